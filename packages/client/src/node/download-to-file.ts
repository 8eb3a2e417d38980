import { randomBytes } from 'node:crypto';
import { createWriteStream, open, unlinkSync, type WriteStream } from 'node:fs';
import { link, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeWebStream } from 'node:stream/web';
import { promisify } from 'node:util';
import { clientInternals, type MindzieClient } from '../client.js';
import { InvalidArgumentError, MindzieError, NetworkError } from '../errors.js';
import { safeFilename } from '../internal/content-disposition.js';
import type { RequestOptions } from '../options.js';
import { downloadBodies, undiciFetch } from './undici-fetch.js';

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
  /** Called as the bytes go to the file, with the bytes so far and the announced total, if any. */
  onProgress?: (bytesWritten: number, totalBytes: number | undefined) => void;
}

export interface DownloadedFile {
  /** Absolute path of the saved file. */
  path: string;
  bytes: number;
  filename: string;
}

/** Bytes per write: 16 KiB writes halve the throughput of a large download (BENCHMARKS.md). */
const WRITE_BUFFER_BYTES = 1024 * 1024;

/**
 * Saves an execution's ZIP package to a file, atomically: the bytes go to a temporary file in the
 * target folder, renamed into place only when the whole body arrived with the announced size. On
 * any failure (network, timeout, abort, size mismatch, disk) the temporary file is removed. The
 * server's file name is reduced to one path segment, so it cannot escape the folder. Unless the
 * client has its own `fetch`, the request goes out through undici (client.ts's token, middleware,
 * timeouts, retries and errors all apply) and its body is piped into the file.
 */
export async function downloadPackageToFile(
  client: MindzieClient,
  executionId: string,
  options: DownloadToFileOptions = {},
): Promise<DownloadedFile> {
  const { overwrite = false, onProgress } = options;
  if (options.path !== undefined && options.directory !== undefined) {
    throw invalid('path', 'pass either path or directory, not both');
  }
  if (onProgress !== undefined && typeof onProgress !== 'function') {
    throw invalid('onProgress', 'onProgress must be a function');
  }
  const explicit = options.path === undefined ? undefined : resolve(checkString('path', options.path));
  const directory = explicit ? dirname(explicit) : resolve(checkString('directory', options.directory ?? '.'));
  await assertDirectory(explicit ? 'path' : 'directory', directory);
  if (explicit && !overwrite) {
    await assertAbsent(explicit);
  }

  const source = await openPackage(client, executionId, { signal: options.signal, timeoutMs: options.timeoutMs });
  const temp = join(directory, `.${safeFilename(source.filename) || 'package'}.${randomBytes(6).toString('hex')}.part`);
  let file: WriteStream | undefined;
  try {
    const target = explicit ?? fileIn(directory, source.filename, `${executionId}.zip`);
    if (!overwrite) {
      await assertAbsent(target);
    }
    // A plain descriptor, not a FileHandle: a FileHandle's stream allocates a promise per write.
    const fd = await openFile(temp, 'wx');
    trackUnfinished(temp);
    file = createWriteStream(temp, { fd, highWaterMark: WRITE_BUFFER_BYTES });
    const counter = countBytes(source.body, source.size, onProgress);
    await pipeline(source.body, file).catch((error) => {
      // The disk's errors and the progress callback's pass as they are; the body's become the SDK's.
      const own = error === counter.callbackError || typeof (error as { syscall?: unknown }).syscall === 'string';
      throw own ? error : source.failure(error, counter.bytes);
    });
    if (source.size !== undefined && counter.bytes !== source.size) {
      throw new NetworkError(`The package has ${counter.bytes} bytes but Content-Length announced ${source.size}`);
    }
    await commit(temp, target, overwrite);
    return { path: target, bytes: counter.bytes, filename: basename(target) };
  } catch (error) {
    source.body.on('error', () => {}).destroy(); // stops the download when the failure is ours (disk, callback)
    if (file && !file.closed) {
      await finished(file.destroy()).catch(() => {}); // closed before it is removed
    }
    await unlink(temp).catch(() => {});
    throw error;
  } finally {
    source.dispose();
    untrackUnfinished(temp);
  }
}

/** A package whose headers arrived: its body as a Node stream, and how a failure of that body reads. */
interface PackageSource {
  filename: string;
  size: number | undefined;
  body: Readable;
  /** The error to reject with when the body failed with `cause` after `bytes` bytes. */
  failure(cause: unknown, bytes: number): unknown;
  dispose(): void;
}

async function openPackage(client: MindzieClient, id: string, options: RequestOptions): Promise<PackageSource> {
  const internals = clientInternals.get(client);
  if (!internals || internals.customFetch) {
    // A custom fetch, or a client this package did not make: its guarded web stream (its errors are the SDK's).
    const { stream, filename, size } = await client.downloadPackage(id, options);
    return { filename, size, body: fromWeb(stream), failure: (cause) => cause, dispose: () => {} };
  }
  const { response, attempt, filename, size } = await internals.downloadHead(id, options, undiciFetch);
  // A middleware that replaced the response leaves undici's body unclaimed: then read the response's.
  const body = downloadBodies.get(attempt) ?? fromWeb(response.body ?? new Blob().stream());
  const failure = (cause: unknown, bytes: number) => {
    // undici's idle timeout (not counting time the file writes hold the body paused) is the attempt's.
    if ((cause as { code?: unknown })?.code === 'UND_ERR_BODY_TIMEOUT') {
      attempt.timeOut(`no data for ${attempt.timeoutMs} ms after ${bytes} bytes`);
    }
    return attempt.failure(cause);
  };
  return { filename, size, body, failure, dispose: () => attempt.dispose() };
}

const openFile = promisify(open);
const fromWeb = (stream: ReadableStream<Uint8Array>) => Readable.fromWeb(stream as NodeWebStream<Uint8Array>);

/** What `countBytes` counted, and the progress callback's own failure (passed to the caller as it is). */
type Counter = { bytes: number; callbackError?: unknown };

/**
 * Counts the bytes on their way to the file, reports progress, and stops a body longer than
 * announced. A 'data' listener beside the pipeline, not a Transform in it: one stream hop less per chunk.
 */
function countBytes(
  body: Readable,
  size: number | undefined,
  onProgress: DownloadToFileOptions['onProgress'],
): Counter {
  const counter: Counter = { bytes: 0 };
  body.on('data', (chunk: Buffer) => {
    counter.bytes += chunk.byteLength;
    if (size !== undefined && counter.bytes > size) {
      body.destroy(new NetworkError(`The package has more than the ${size} bytes Content-Length announced`));
      return;
    }
    try {
      onProgress?.(counter.bytes, size);
    } catch (error) {
      counter.callbackError = error;
      body.destroy(error as Error);
    }
  });
  return counter;
}

/**
 * Temporary files of the downloads under way. A process that exits before a download settles (a
 * second Ctrl-C, `process.exit` in a handler) cannot remove them asynchronously; its 'exit' event
 * removes them synchronously, so no partial file outlives it.
 */
const unfinished = new Set<string>();

function trackUnfinished(temp: string): void {
  if (unfinished.size === 0) {
    process.on('exit', removeUnfinished);
  }
  unfinished.add(temp);
}

function untrackUnfinished(temp: string): void {
  if (unfinished.delete(temp) && unfinished.size === 0) {
    process.off('exit', removeUnfinished);
  }
}

function removeUnfinished(): void {
  for (const path of unfinished) {
    try {
      unlinkSync(path);
    } catch {} // already gone
  }
}

/** Moves the finished file into place; without overwrite, never replaces a file that appeared meanwhile. */
async function commit(temp: string, target: string, overwrite: boolean): Promise<void> {
  if (overwrite) {
    return rename(temp, target);
  }
  try {
    await link(temp, target); // fails with EEXIST instead of replacing
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (code === 'EEXIST') {
      throw exists(target);
    }
    if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS'].includes(code)) {
      throw error;
    }
    await assertAbsent(target); // a file system without hard links: check, then rename
    return rename(temp, target);
  }
  await unlink(temp);
}

function fileIn(directory: string, suggested: string, fallback: string): string {
  const target = resolve(directory, safeFilename(suggested) || fallback);
  if (dirname(target) !== directory) {
    throw new MindzieError(`Refusing to write outside ${directory}`);
  }
  return target;
}

async function assertDirectory(argument: string, directory: string): Promise<void> {
  const info = await stat(directory).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw invalid(argument, `${directory} is not an existing directory`);
  }
}

async function assertAbsent(file: string): Promise<void> {
  if (await stat(file).catch(() => undefined)) {
    throw exists(file);
  }
}

const invalid = (argument: string, message: string) => new InvalidArgumentError(argument, message);
const exists = (file: string) => invalid('overwrite', `${file} already exists; pass overwrite: true to replace it`);

function checkString(argument: string, value: unknown): string {
  if (typeof value === 'string' && value !== '') {
    return value;
  }
  throw invalid(argument, `${argument} must be a non-empty string`);
}
