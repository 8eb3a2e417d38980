import { randomBytes } from 'node:crypto';
import { unlinkSync } from 'node:fs';
import { link, open, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { clientInternals, type MindzieClient } from '../client.js';
import { InvalidArgumentError, MindzieError, NetworkError } from '../errors.js';
import type { RequestOptions } from '../options.js';
import { safeFilename } from '../internal/content-disposition.js';
import { bodyGuard } from '../internal/guarded-body.js';
import { BatchQueue, type BatchRead } from './batch-queue.js';
import { writeBatches } from './file-writer.js';
import { nodeTransport } from './http-transport.js';

export interface DownloadToFileOptions {
  /** Folder to save into, under the server's file name (default: the current directory). */
  directory?: string;
  /** Exact file to write instead (then `directory` must be left out). */
  path?: string;
  /** Replace an existing file (default false: an existing file is an InvalidArgumentError). */
  overwrite?: boolean;
  signal?: AbortSignal;
  /** Wait for the response headers, then the idle time allowed between chunks (see ClientOptions.timeoutMs). */
  timeoutMs?: number;
  /** Called after each write with the bytes on disk so far and the announced total, if any. */
  onProgress?: (bytesWritten: number, totalBytes: number | undefined) => void;
}

export interface DownloadedFile {
  /** Absolute path of the saved file. */
  path: string;
  bytes: number;
  filename: string;
}

/**
 * Saves an execution's ZIP package to a file, atomically: the bytes go to a temporary file
 * in the target folder, which is renamed into place only when the whole body arrived with
 * the announced size. On any failure (network, timeout, abort, size mismatch, disk) the
 * temporary file is removed and nothing is left behind. The server's file name is reduced
 * to one path segment, so it cannot escape the folder.
 *
 * Unless the client was given its own `fetch`, the request goes out through `node:http(s)`
 * (the client's URL, headers, timeouts, retries and errors; see http-transport.ts), which keeps
 * a 1 GiB download under 100 MiB of memory where fetch's web streams need about 120.
 */
export async function downloadPackageToFile(
  client: MindzieClient,
  executionId: string,
  options: DownloadToFileOptions = {},
): Promise<DownloadedFile> {
  const { overwrite = false, onProgress } = options;
  if (options.path !== undefined && options.directory !== undefined) throw new InvalidArgumentError('path', 'pass either path or directory, not both');
  if (onProgress !== undefined && typeof onProgress !== 'function') throw new InvalidArgumentError('onProgress', 'onProgress must be a function');
  const explicit = options.path === undefined ? undefined : resolve(checkString('path', options.path));
  const directory = explicit ? dirname(explicit) : resolve(options.directory === undefined ? '.' : checkString('directory', options.directory));
  await assertDirectory(explicit ? 'path' : 'directory', directory);
  if (explicit && !overwrite) await assertAbsent(explicit);

  const source = await openPackage(client, executionId, { signal: options.signal, timeoutMs: options.timeoutMs });
  const temp = join(directory, `.${safeFilename(source.filename) || 'package'}.${randomBytes(6).toString('hex')}.part`);
  let handle: FileHandle | undefined;
  try {
    const target = explicit ?? fileIn(directory, source.filename, `${executionId}.zip`);
    if (!overwrite) await assertAbsent(target);
    handle = await open(temp, 'wx');
    trackUnfinished(temp);
    const bytes = await writeBatches(handle, source, { onProgress: onProgress && ((written) => onProgress(written, source.size)) });
    source.close();
    await handle.close();
    handle = undefined;
    if (source.size !== undefined && bytes !== source.size) {
      throw new NetworkError(`The package has ${bytes} bytes but Content-Length announced ${source.size}`);
    }
    await commit(temp, target, overwrite);
    return { path: target, bytes, filename: basename(target) };
  } catch (error) {
    source.close(error); // stops the download when the failure is ours (disk, callback)
    await handle?.close().catch(() => {});
    await unlink(temp).catch(() => {});
    throw error;
  } finally {
    untrackUnfinished(temp);
  }
}

/**
 * Temporary files of the downloads under way. A process that exits before a download settles
 * (a second Ctrl-C, `process.exit` in a handler) gets no chance to remove them
 * asynchronously; its 'exit' event removes them synchronously, so no partial file outlives it.
 */
const unfinished = new Set<string>();

function trackUnfinished(temp: string): void {
  if (unfinished.size === 0) process.on('exit', removeUnfinished);
  unfinished.add(temp);
}

function untrackUnfinished(temp: string): void {
  if (unfinished.delete(temp) && unfinished.size === 0) process.off('exit', removeUnfinished);
}

function removeUnfinished(): void {
  for (const path of unfinished) {
    try {
      unlinkSync(path);
    } catch {} // already gone
  }
}

/** A package whose headers arrived: its body in batches (checked for idle time, abort and size), and how to let go of it. */
interface PackageSource {
  filename: string;
  size: number | undefined;
  read(): Promise<BatchRead>;
  /** Hands a batch back once it is written. */
  release(batch: Buffer): void;
  /** Ends the download (a no-op once it ended) and releases the attempt. */
  close(reason?: unknown): void;
}

async function openPackage(client: MindzieClient, executionId: string, options: RequestOptions): Promise<PackageSource> {
  const internals = clientInternals.get(client);
  if (internals && !internals.customFetch) {
    const { response, attempt, filename, size } = await internals.downloadHead(executionId, options, nodeTransport);
    const next = bodyGuard(attempt, size);
    const { body } = response;
    const close = () => {
      attempt.dispose();
      body.destroy();
    };
    return { filename, size, close, read: () => next(() => body.read()), release: (batch) => body.release(batch) };
  }
  // A custom fetch (or a client this package did not make): its guarded web stream, gathered into batches.
  const { stream, filename, size } = await client.downloadPackage(executionId, options);
  const reader = stream.getReader();
  let pumping = false;
  const pump = async () => {
    if (pumping) return;
    pumping = true;
    try {
      while (queue.hasRoom()) {
        const { done, value } = await reader.read();
        if (done) return queue.end();
        queue.push(value);
      }
    } catch (error) {
      queue.fail(error);
    } finally {
      pumping = false;
    }
  };
  const queue = new BatchQueue(() => void pump());
  void pump();
  return { filename, size, close: (reason) => void reader.cancel(reason).catch(() => {}), read: () => queue.read(), release: (batch) => queue.release(batch) };
}

/** Moves the finished file into place; without overwrite, never replaces a file that appeared meanwhile. */
async function commit(temp: string, target: string, overwrite: boolean): Promise<void> {
  if (overwrite) return rename(temp, target);
  try {
    await link(temp, target); // fails with EEXIST instead of replacing
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw exists(target);
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw error;
    await assertAbsent(target); // a file system without hard links: check, then rename
    return rename(temp, target);
  }
  await unlink(temp);
}

function fileIn(directory: string, suggested: string, fallback: string): string {
  const target = resolve(directory, safeFilename(suggested) || fallback);
  if (dirname(target) !== directory) throw new MindzieError(`Refusing to write outside ${directory}`);
  return target;
}

async function assertDirectory(argument: string, directory: string): Promise<void> {
  const info = await stat(directory).catch(() => undefined);
  if (!info?.isDirectory()) throw new InvalidArgumentError(argument, `${directory} is not an existing directory`);
}

async function assertAbsent(file: string): Promise<void> {
  if (await stat(file).then(() => true, () => false)) throw exists(file);
}

function exists(file: string): InvalidArgumentError {
  return new InvalidArgumentError('overwrite', `${file} already exists; pass overwrite: true to replace it`);
}

function checkString(argument: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') throw new InvalidArgumentError(argument, `${argument} must be a non-empty string`);
  return value;
}
