import { randomBytes } from 'node:crypto';
import { createWriteStream, openSync, unlinkSync, type WriteStream } from 'node:fs';
import { link, mkdir, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { ReadableStream as NodeWebStream } from 'node:stream/web';
import { type DownloadOpener, type MindzieClient, openDownload } from '../client.js';
import { InvalidArgumentError, MindzieError, NetworkError } from '../errors.js';
import { safeFilename } from '../internal/content-disposition.js';
import { guardedBody } from '../internal/guarded-body.js';
import { sleep } from '../internal/sleep.js';
import type { RequestOptions } from '../options.js';
import { isRetryable, retryDelayMs } from '../retry.js';
import { type Resume, resumeFrom, validatorOf } from './resume.js';
import { undiciTransport } from './undici-fetch.js';

export interface DownloadToFileOptions {
  /** Folder to save into, under the server's file name (default: the current directory; created if missing). */
  directory?: string;
  /** Exact file to write instead (then `directory` must be left out); its folder is created if missing. */
  path?: string;
  /** Replace an existing file (default false: an existing file is an InvalidArgumentError). */
  overwrite?: boolean;
  signal?: AbortSignal;
  /** Wait for the response headers, then the idle time allowed between chunks (see ClientOptions.timeoutMs). */
  timeoutMs?: number;
  /** Retries for the whole download: failed requests and cut bodies together (default: the client's). */
  maxRetries?: number;
  /** `fsync` the file before it is renamed into place and its folder after (default true; see the README). */
  fsync?: boolean;
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
 * Saves an execution's ZIP package to a file, whole or not at all: the bytes go to a temporary
 * `.part` file in the target folder, renamed into place only when the whole body arrived with the
 * announced size (then synced to disk). A body cut short is asked for again within the retry
 * budget: the rest of it (`Range` + `If-Range`) when the server offered ranges with a validator,
 * otherwise the whole package. On any final failure (network, timeout, abort, size mismatch, disk)
 * the temporary file is removed; one left by a killed process is removed by the next download into
 * that folder. The server's file name is reduced to one path segment, so it cannot escape the folder.
 * The request goes through the client's transport: the `fetch` it was given, or else (on Node)
 * undici on the process's global dispatcher; the client's token, middleware, timeouts and errors apply.
 */
export async function downloadPackageToFile(
  client: MindzieClient,
  executionId: string,
  options: DownloadToFileOptions = {},
): Promise<DownloadedFile> {
  const { overwrite = false, onProgress, fsync = true, signal } = options;
  if (options.path !== undefined && options.directory !== undefined) {
    throw invalid('path', 'pass either path or directory, not both');
  }
  if (onProgress !== undefined && typeof onProgress !== 'function') {
    throw invalid('onProgress', 'onProgress must be a function');
  }
  const explicit = options.path === undefined ? undefined : resolve(checkString('path', options.path));
  const directory = explicit ? dirname(explicit) : resolve(checkString('directory', options.directory ?? '.'));
  await ensureDirectory(explicit ? 'path' : 'directory', directory);
  if (explicit && !overwrite) {
    await assertAbsent(explicit);
  }
  await removeStaleParts(directory);

  const request: RequestOptions = { signal, timeoutMs: options.timeoutMs, maxRetries: options.maxRetries };
  let source = await openPackage(client, executionId, request, undefined);
  const temp = join(directory, tempName(source.filename));
  const target = explicit ?? fileIn(directory, source.filename, `${executionId}.zip`);
  let file: WriteStream | undefined;
  let retries = 0;
  trackUnfinished(temp);
  try {
    // The first answer's validator: what a resumed body must still be (If-Range), or none.
    let resume: Resume | undefined = validatorOf(source);
    // The target is checked beside the body, not before it (an existing one still fails fast).
    const targetFree = overwrite ? undefined : assertAbsent(target);
    targetFree?.catch(() => {}); // awaited with each body below
    for (let append = false, start = 0; ; ) {
      // No await between the answer and the pipe: a body cut meanwhile would lose what it had delivered.
      // A fresh stream per body: 'wx' creates the file (never another's), 'r+' continues it, 'w' starts over.
      // Opened synchronously, so the file exists before a byte is read: a process that exits in onProgress
      // removes it in its 'exit' handler, which an open still under way could otherwise create again after.
      const fd = openSync(temp, retries === 0 ? 'wx' : append ? 'r+' : 'w');
      file = createWriteStream(temp, { fd, start, highWaterMark: WRITE_BUFFER_BYTES });
      try {
        const counter = countBytes(source.body, source.size, start, onProgress);
        const saved = save(source.body, file).catch((error) => {
          // The disk's errors and the progress callback's pass as they are; the body's become the SDK's.
          const own = error === counter.callbackError || typeof (error as { syscall?: unknown }).syscall === 'string';
          throw own ? error : source.failure(error, counter.bytes);
        });
        await Promise.all([saved, targetFree]);
        if (source.size !== undefined && counter.bytes !== source.size) {
          throw new NetworkError(`The package has ${counter.bytes} bytes but Content-Length announced ${source.size}`);
        }
        break;
      } catch (error) {
        source.body.on('error', () => {}).destroy(); // stops the download when the failure is ours (disk, callback)
        if (!file.closed) {
          await finished(file.destroy()).catch(() => {}); // closed: its size on disk is final
        }
        source.dispose();
        if (!isRetryable(error) || signal?.aborted || source.retriesLeft === 0) {
          throw error;
        }
        await sleep(retryDelayMs(retries, undefined) ?? 0, signal);
        retries += 1;
        const onDisk = (await stat(temp)).size;
        const ranged = resume && onDisk > 0 ? { ...resume, from: onDisk } : undefined;
        const retry = { ...request, maxRetries: source.retriesLeft - 1 };
        source = await openPackage(client, executionId, retry, ranged);
        // Continue only on a 206 for exactly the missing bytes of the same package; else start over.
        append = ranged !== undefined && resumeFrom(source, ranged);
        start = append ? onDisk : 0;
        if (ranged && !append && source.status === 206) {
          source.dispose();
          source.body.destroy();
          resume = undefined; // the server's ranges cannot be trusted: the next try asks for everything
          source = await openPackage(client, executionId, { ...retry, maxRetries: source.retriesLeft }, undefined);
        }
        if (!append) {
          resume = validatorOf(source);
        }
      }
    }
    const bytes = (await stat(temp)).size;
    if (resume?.size !== undefined && bytes !== resume.size) {
      throw new NetworkError(`The package has ${bytes} bytes but Content-Length announced ${resume.size}`);
    }
    if (fsync) {
      await syncPath(temp); // the bytes on disk before the name points at them
    }
    await commit(temp, target, overwrite);
    if (fsync) {
      await syncPath(directory).catch(() => {}); // the new name itself (a folder cannot be opened to sync on Windows)
    }
    return { path: target, bytes, filename: basename(target) };
  } catch (error) {
    source.body.on('error', () => {}).destroy();
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
export interface PackageSource {
  filename: string;
  size: number | undefined;
  status: number;
  headers: Headers | undefined;
  body: Readable;
  /** Retries left in the call's budget after these headers. */
  retriesLeft: number;
  /** The error to reject with when the body failed with `cause` after `bytes` bytes. */
  failure(cause: unknown, bytes: number): unknown;
  dispose(): void;
}

async function openPackage(
  client: MindzieClient,
  id: string,
  options: RequestOptions,
  range: (Resume & { from: number }) | undefined,
): Promise<PackageSource> {
  const headers = range && { Range: `bytes=${range.from}-`, 'If-Range': range.validator };
  const opener = (client as { [openDownload]?: DownloadOpener })[openDownload];
  if (!opener) {
    // A client this package did not make: its guarded web stream (its errors are the SDK's), no ranges.
    const { stream, filename, size } = await client.downloadPackage(id, options);
    const body = fromWeb(stream);
    const retriesLeft = options.maxRetries ?? 0;
    return { filename, size, status: 200, headers: undefined, body, retriesLeft, failure: (c) => c, dispose() {} };
  }
  const head = await opener(id, options, { transport: undiciTransport(), headers });
  const { response, attempt, filename, size, retriesLeft } = head;
  // undici's Node stream, or the fetch body guarded as downloadPackage guards it (idle timeout, size, SDK errors).
  const body = (attempt.nodeBody as Readable | undefined) ?? fromWeb(guardedBody(response, size, attempt));
  const failure = (cause: unknown, bytes: number) => {
    // undici's idle timeout (not counting time the file writes hold the body paused) is the attempt's.
    if ((cause as { code?: unknown })?.code === 'UND_ERR_BODY_TIMEOUT') {
      attempt.timeOut(`no data for ${attempt.timeoutMs} ms after ${bytes} bytes`);
    }
    return attempt.failure(cause);
  };
  const { status, headers: responseHeaders } = response;
  return {
    filename,
    size,
    status,
    headers: responseHeaders,
    body,
    retriesLeft,
    failure,
    dispose: () => attempt.dispose(),
  };
}

/**
 * Pipes a body into the file, settling once the file is closed. Unlike `pipeline`, a body that fails
 * still has what it delivered written (so a resume continues after it); the body's error, or the
 * disk's, is the rejection.
 */
function save(body: Readable, file: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => {
    let failure: unknown;
    const stop = (error: unknown) => {
      failure ??= error;
      body.unpipe(file);
      file.end();
    };
    body.once('error', stop);
    file.once('error', (error) => {
      failure ??= error;
      body.destroy();
    });
    file.once('close', () => (failure === undefined ? resolve() : reject(failure)));
    // A body cut while the file was being prepared failed already: its 'error' is gone, and a pipe
    // from it would never end the file (a hang that no signal or timeout could end).
    if (body.destroyed) {
      stop(body.errored ?? new Error('The connection closed before the body was read'));
      return;
    }
    body.pipe(file);
  });
}

const fromWeb = (stream: ReadableStream<Uint8Array>) => Readable.fromWeb(stream as NodeWebStream<Uint8Array>);

/** Flushes a file's (or a folder's) data to the disk. */
async function syncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** What `countBytes` counted, and the progress callback's own failure (passed to the caller as it is). */
type Counter = { bytes: number; callbackError?: unknown };

/**
 * Counts the bytes of one body on their way to the file, reports progress (from `before`, the bytes
 * already saved), and stops a body longer than announced. A 'data' listener beside the pipeline, not
 * a Transform in it: one stream hop less per chunk.
 */
function countBytes(
  body: Readable,
  size: number | undefined,
  before: number,
  onProgress: DownloadToFileOptions['onProgress'],
): Counter {
  const counter: Counter = { bytes: 0 };
  const total = size === undefined ? undefined : before + size;
  body.on('data', (chunk: Buffer) => {
    counter.bytes += chunk.byteLength;
    if (size !== undefined && counter.bytes > size) {
      body.destroy(new NetworkError(`The package has more than the ${size} bytes Content-Length announced`));
      return;
    }
    try {
      onProgress?.(before + counter.bytes, total);
    } catch (error) {
      counter.callbackError = error;
      body.destroy(error as Error);
    }
  });
  return counter;
}

/**
 * A temporary file's name: hidden, this process's id in it, `.part` at the end. A process killed
 * mid-download (SIGKILL, or SIGINT/SIGTERM with the default handling) leaves it behind; the next
 * download into the folder removes it once that process is gone. No signal handler is installed:
 * the process's own signal handling stays the application's.
 */
const tempName = (filename: string) =>
  `.${safeFilename(filename) || 'package'}.${process.pid}.${randomBytes(6).toString('hex')}.part`;
const TEMP_NAME = /^\..+\.(\d+)\.[0-9a-f]{12}\.part$/;

/** Removes the `.part` files of downloads whose process no longer runs (on this machine). */
async function removeStaleParts(directory: string): Promise<void> {
  const names = await readdir(directory).catch(() => [] as string[]);
  for (const name of names) {
    const pid = Number(TEMP_NAME.exec(name)?.[1]);
    if (pid && !isRunning(pid)) {
      await unlink(join(directory, name)).catch(() => {}); // another download may have removed it first
    }
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0: only asks whether the process exists
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by another user
  }
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

/** Creates the folder and its parents when missing (as `mkdir -p`); a file in the way is an InvalidArgumentError. */
async function ensureDirectory(argument: string, directory: string): Promise<void> {
  const failed = await mkdir(directory, { recursive: true }).then(
    () => undefined,
    (error: NodeJS.ErrnoException) => error.code ?? error.message,
  );
  if (failed !== undefined) {
    throw invalid(argument, `${directory} is not a directory and cannot be created (${failed})`);
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
