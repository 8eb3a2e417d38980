import { describe, expect, it } from 'vitest';
import { BATCH_BYTES, BatchQueue, BUFFERS } from './batch-queue.js';

const bytes = (count: number, fill = 1) => new Uint8Array(count).fill(fill);

describe('BatchQueue', () => {
  it('hands the reader everything gathered so far, as one batch, then done', async () => {
    const queue = new BatchQueue();
    queue.push(bytes(3, 1));
    queue.push(bytes(2, 2), 0, 2);
    queue.end();
    const first = await queue.read();
    expect(first.done).toBe(false);
    expect([...first.value!]).toEqual([1, 1, 1, 2, 2]);
    expect(await queue.read()).toEqual({ done: true });
  });

  it('answers a waiting reader once bytes arrive, gathering the pushes of the same turn', async () => {
    const queue = new BatchQueue();
    const pending = queue.read();
    queue.push(bytes(10));
    queue.push(bytes(20));
    expect((await pending).value?.length).toBe(30);
  });

  it('tells the producer to pause once every buffer is taken, and calls onRoom when one comes back', async () => {
    let room = 0;
    const queue = new BatchQueue(() => room++);
    for (let i = 1; i < BUFFERS; i++) expect(queue.push(bytes(BATCH_BYTES))).toBe(true);
    expect(queue.push(bytes(BATCH_BYTES - 1))).toBe(true); // the last one still has room
    expect(queue.push(bytes(1))).toBe(false);
    expect(queue.hasRoom()).toBe(false);
    const batches = [];
    for (let i = 0; i < BUFFERS; i++) batches.push((await queue.read()).value!);
    expect(batches.map((batch) => batch.length)).toEqual(Array(BUFFERS).fill(BATCH_BYTES));
    expect(queue.hasRoom()).toBe(false); // lent, not yet written
    queue.release(batches[0]!);
    expect(room).toBe(1);
    expect(queue.hasRoom()).toBe(true);
  });

  it('takes the rest of a read that arrives after the pause in one more buffer, and never grows further', async () => {
    const queue = new BatchQueue();
    for (let i = 0; i < BUFFERS; i++) queue.push(bytes(BATCH_BYTES));
    expect(queue.push(bytes(1000))).toBe(false); // one buffer past the last: still no room
    const seen = new Set<ArrayBufferLike>();
    let total = 0;
    // Bytes keep coming as buffers come back: the same few buffers carry all of them.
    for (let round = 0; round < 20; round++) {
      const { value } = await queue.read();
      seen.add(value!.buffer);
      total += value!.length;
      queue.release(value!);
      queue.push(bytes(BATCH_BYTES / 2));
    }
    expect(seen.size).toBeLessThanOrEqual(BUFFERS + 1);
    expect(total).toBeGreaterThan(BUFFERS * BATCH_BYTES + 5 * BATCH_BYTES);
  });

  it('rejects a waiting read, and every later one, with the producer\'s error', async () => {
    const queue = new BatchQueue();
    const pending = queue.read();
    const failure = new Error('reset');
    queue.fail(failure);
    await expect(pending).rejects.toBe(failure);
    queue.push(bytes(5));
    await expect(queue.read()).rejects.toBe(failure);
  });
});
