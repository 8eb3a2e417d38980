import { writeSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { MindzieError } from '../errors.js';
import type { BatchRead } from './batch-queue.js';

/** Where the bytes come from: batches lent until `release`. */
export interface BatchSource {
  read(): Promise<BatchRead>;
  release(batch: Buffer): void;
}

export interface WriteOptions {
  /** Called after each write with the bytes on disk so far. */
  onProgress?: ((bytesWritten: number) => void) | undefined;
  /** A batch whose synchronous writes took longer than this sends the rest through the thread pool (default 4 ms). */
  syncLimitMs?: number;
}

/** About ten times what a 1 MiB write into the page cache takes on the benchmark machine (0.2–0.4 ms). */
const SYNC_WRITE_LIMIT_MS = 4;

/**
 * Each synchronous write is at most this long. The page cache gives a write a folio as large as
 * the write (up to 2 MiB); on the benchmark machine 1 MiB writes cost 3–5 times the kernel time
 * of 64 KiB ones (`dd bs=1M` 1.5–2.1 s per GiB, `bs=64K` 0.3–0.8 s), and the download as a whole
 * ran at 0.5–0.7× curl in runs where that hit (BENCHMARKS.md).
 */
const WRITE_SLICE_BYTES = 64 * 1024;

/**
 * Writes every batch of `source` into the file, in order, and returns the bytes written.
 *
 * Batches are written on the event loop's own thread, in 64 KiB slices, while the disk is fast:
 * a 1 MiB batch goes into the page cache in a fraction of a millisecond, and handing it to
 * libuv's thread pool instead cost a third of the download's throughput here (the batch changes
 * thread and core, and two wake-ups sit between it and the next socket read; BENCHMARKS.md). After one batch slower than
 * `syncLimitMs` (a network file system, a full page cache) the rest go through the thread pool,
 * so a slow disk holds up the event loop once, not for the whole download.
 */
export async function writeBatches(handle: FileHandle, source: BatchSource, { onProgress, syncLimitMs = SYNC_WRITE_LIMIT_MS }: WriteOptions = {}): Promise<number> {
  let written = 0;
  let sync = true;
  for (let read = await source.read(); !read.done; read = await source.read()) {
    const batch = read.value;
    if (sync) {
      const started = performance.now();
      writeAllSync(handle.fd, batch);
      sync = performance.now() - started < syncLimitMs;
    } else await writeAll(handle, batch);
    written += batch.length;
    source.release(batch);
    onProgress?.(written);
  }
  return written;
}

/** write may write less than asked (a full disk, a signal): write the rest until done. */
function writeAllSync(fd: number, batch: Buffer): void {
  for (let offset = 0; offset < batch.length; ) {
    const count = writeSync(fd, batch, offset, Math.min(WRITE_SLICE_BYTES, batch.length - offset));
    if (count === 0) throw noMoreBytes();
    offset += count;
  }
}

async function writeAll(handle: FileHandle, batch: Buffer): Promise<void> {
  for (let offset = 0; offset < batch.length; ) {
    const { bytesWritten } = await handle.write(batch, offset, batch.length - offset);
    if (bytesWritten === 0) throw noMoreBytes();
    offset += bytesWritten;
  }
}

const noMoreBytes = () => new MindzieError('The disk accepted no more bytes');
