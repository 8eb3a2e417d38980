import { randomBytes } from 'node:crypto';
import { link, open, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { MindzieClient } from '../client.js';
import { InvalidArgumentError, MindzieError, NetworkError } from '../errors.js';
import { safeFilename } from '../internal/content-disposition.js';

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

/** Bytes gathered before one write: few system calls, bounded memory. */
const WRITE_BATCH_BYTES = 1 << 20;

/**
 * Saves an execution's ZIP package to a file, atomically: the bytes go to a temporary file
 * in the target folder, which is renamed into place only when the whole body arrived with
 * the announced size. On any failure (network, timeout, abort, size mismatch, disk) the
 * temporary file is removed and nothing is left behind. The server's file name is reduced
 * to one path segment, so it cannot escape the folder.
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

  const download = await client.downloadPackage(executionId, { signal: options.signal, timeoutMs: options.timeoutMs });
  const reader = download.stream.getReader();
  const temp = join(directory, `.${safeFilename(download.filename) || 'package'}.${randomBytes(6).toString('hex')}.part`);
  let handle: FileHandle | undefined;
  try {
    const target = explicit ?? fileIn(directory, download.filename, `${executionId}.zip`);
    if (!overwrite) await assertAbsent(target);
    handle = await open(temp, 'wx');
    const bytes = await copy(reader, handle, download.size, onProgress);
    await handle.close();
    handle = undefined;
    if (download.size !== undefined && bytes !== download.size) {
      throw new NetworkError(`The package has ${bytes} bytes but Content-Length announced ${download.size}`);
    }
    await commit(temp, target, overwrite);
    return { path: target, bytes, filename: basename(target) };
  } catch (error) {
    await reader.cancel(error).catch(() => {}); // stops the download when the failure is ours (disk, callback)
    await handle?.close().catch(() => {});
    await unlink(temp).catch(() => {});
    throw error;
  }
}

/**
 * Streams the body into the file. Chunks are gathered into batches of about 1 MiB; one batch is
 * written (on libuv's thread pool) while the next one fills from the network, so disk and
 * network overlap and memory stays bounded to two batches plus what fetch buffers.
 */
async function copy(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  handle: FileHandle,
  total: number | undefined,
  onProgress: DownloadToFileOptions['onProgress'],
): Promise<number> {
  let written = 0;
  let writing: Promise<void> | undefined;
  let batch: Uint8Array[] = [];
  let batchBytes = 0;
  const flush = async () => {
    await writing; // one write at a time, in order
    const chunks = batch;
    const size = batchBytes;
    batch = [];
    batchBytes = 0;
    writing = writeFully(handle, chunks, size).then(() => {
      written += size;
      onProgress?.(written, total);
    });
    writing.catch(() => {}); // a failed write surfaces at the next await of `writing`, not as unhandled
  };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      batch.push(value);
      batchBytes += value.byteLength;
      if (batchBytes >= WRITE_BATCH_BYTES) await flush();
    }
    if (batchBytes) await flush();
    await writing;
    return written;
  } catch (error) {
    await writing?.catch(() => {}); // let the write in flight finish before the file is closed and removed
    throw error;
  }
}

/** writev may write less than asked (a full disk, a signal): write the rest until done. */
async function writeFully(handle: FileHandle, chunks: Uint8Array[], size: number): Promise<void> {
  const { bytesWritten } = await handle.writev(chunks);
  if (bytesWritten === size) return;
  const rest = Buffer.concat(chunks).subarray(bytesWritten);
  for (let offset = 0; offset < rest.length; ) {
    const result = await handle.write(rest, offset, rest.length - offset);
    if (result.bytesWritten === 0) throw new MindzieError('The disk accepted no more bytes');
    offset += result.bytesWritten;
  }
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
