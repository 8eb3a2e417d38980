import { randomBytes } from 'node:crypto';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BATCH_BYTES, BatchQueue } from './batch-queue.js';
import { writeBatches } from './file-writer.js';

// Records the length of each synchronous write, and still makes it.
const syncWrites = vi.hoisted(() => [] as number[]);
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const writeSync = (fd: number, buffer: Buffer, offset: number, length: number) => (syncWrites.push(length), fs.writeSync(fd, buffer, offset, length));
  return { ...fs, writeSync };
});

let dir: string;
beforeEach(async () => {
  syncWrites.length = 0;
  dir = await mkdtemp(join(tmpdir(), 'mindzie-writer-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** A queue fed from `body` in 100 KiB pieces whenever it has room, as a socket would feed it. */
function sourceOf(body: Buffer): BatchQueue {
  let offset = 0;
  const feed = () => {
    while (offset < body.length && queue.hasRoom()) {
      queue.push(body, offset, Math.min(body.length, offset + 100 * 1024));
      offset += 100 * 1024;
    }
    if (offset >= body.length) queue.end();
  };
  const queue = new BatchQueue(() => setImmediate(feed));
  feed();
  return queue;
}

/** Counts the writes that went through the thread pool (FileHandle.write), still doing them. */
async function openCounted(path: string) {
  const handle = await open(path, 'wx');
  const counter = { pooled: 0 };
  const write = handle.write.bind(handle) as (...args: unknown[]) => Promise<unknown>;
  (handle as { write: unknown }).write = (...args: unknown[]) => (counter.pooled++, write(...args));
  return { handle, counter };
}

describe('writeBatches', () => {
  it('writes every byte in order on the event loop while the disk is fast, reporting progress', async () => {
    const body = randomBytes(5 * BATCH_BYTES + 12345);
    const path = join(dir, 'fast.bin');
    const { handle, counter } = await openCounted(path);
    const progress: number[] = [];
    const written = await writeBatches(handle, sourceOf(body), { onProgress: (bytes) => progress.push(bytes), syncLimitMs: 60_000 });
    await handle.close();
    expect(written).toBe(body.length);
    expect((await readFile(path)).equals(body)).toBe(true);
    expect(counter.pooled).toBe(0);
    expect(progress.at(-1)).toBe(body.length);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  it('writes on the event loop in slices of at most 64 KiB, however big the batch', async () => {
    const body = randomBytes(2 * BATCH_BYTES + 100);
    const path = join(dir, 'sliced.bin');
    const handle = await open(path, 'wx');
    await writeBatches(handle, sourceOf(body), { syncLimitMs: 60_000 });
    await handle.close();
    expect(Math.max(...syncWrites)).toBe(64 * 1024);
    expect(syncWrites.reduce((sum, length) => sum + length, 0)).toBe(body.length);
    expect((await readFile(path)).equals(body)).toBe(true);
  });

  it('moves the writes to the thread pool after one slow write, and still writes every byte in order', async () => {
    const body = randomBytes(4 * BATCH_BYTES + 777);
    const path = join(dir, 'slow.bin');
    const { handle, counter } = await openCounted(path);
    const written = await writeBatches(handle, sourceOf(body), { syncLimitMs: 0 }); // every write counts as slow
    await handle.close();
    expect(written).toBe(body.length);
    expect((await readFile(path)).equals(body)).toBe(true);
    expect(counter.pooled).toBeGreaterThan(0);
  });

  it('rejects with the source\'s error, after the bytes before it were written', async () => {
    const queue = new BatchQueue();
    queue.push(Buffer.from('first'));
    const path = join(dir, 'failed.bin');
    const handle = await open(path, 'wx');
    const failure = new Error('connection reset');
    const writing = writeBatches(handle, queue, { onProgress: () => queue.fail(failure) });
    await expect(writing).rejects.toBe(failure);
    await handle.close();
    expect((await readFile(path)).toString()).toBe('first');
  });
});
