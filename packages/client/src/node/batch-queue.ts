/** A batch handed to the reader: a view of one of the queue's buffers, lent until `release()`. */
export type BatchRead = { done: true; value?: undefined } | { done: false; value: Buffer };

/** Bytes gathered into one write: few system calls, bounded memory. */
export const BATCH_BYTES = 1 << 20;
/**
 * Buffers the queue keeps. One: while it is written, what arrives waits in the kernel's socket
 * buffer (as with curl), and the one buffer stays in the CPU's cache. Measured on a 1 GiB
 * download: three buffers (disk and network overlapping in the process) were slower and far less
 * steady, 1.19–3.21 s against 1.20–1.63 s (BENCHMARKS.md).
 */
export const BUFFERS = 1;

/**
 * The bytes between a download's producer (a socket, a decoder, a web stream) and the file.
 * Incoming bytes are copied into reused 1 MiB buffers instead of being kept as the producer's
 * chunks, so a 1 GiB download allocates a megabyte or two in all, where Node's streams allocate a
 * new 64 KiB buffer per socket read and leave them to the garbage collector (most of what a
 * download through them costs in CPU here, see BENCHMARKS.md). The reader gets whatever has
 * gathered (up to one buffer) and hands the buffer back once it is written; the producer is told
 * to pause while every buffer is full or lent out, and `onRoom` resumes it.
 */
export class BatchQueue {
  private readonly free: Buffer[] = [];
  private readonly full: Buffer[] = [];
  private filling: Buffer | undefined;
  private filled = 0;
  private created = 0;
  private ended = false;
  private failure: { error: unknown } | undefined;
  private waiting: { resolve(read: BatchRead): void; reject(error: unknown): void } | undefined;
  private wakeScheduled = false;

  /** @param onRoom called when the reader frees a buffer, so a paused producer can go on. */
  constructor(private readonly onRoom: () => void = () => {}) {}

  /** Copies `bytes[start, end)` in. Returns false when the producer should pause until `onRoom`. */
  push(bytes: Uint8Array, start = 0, end = bytes.length): boolean {
    while (start < end) {
      // Past the last buffer (a producer that cannot stop at once, e.g. one socket read): one more, reused after.
      this.filling ??= this.free.pop() ?? (this.created++, Buffer.allocUnsafeSlow(BATCH_BYTES));
      const count = Math.min(end - start, BATCH_BYTES - this.filled);
      this.filling.set(bytes.subarray(start, start + count), this.filled);
      this.filled += count;
      start += count;
      if (this.filled === BATCH_BYTES) this.seal();
    }
    this.wake();
    return this.hasRoom();
  }

  /** No more bytes: the reader gets what is left, then `done`. */
  end(): void {
    this.ended = true;
    this.wake();
  }

  /** The producer failed: the reader's next read rejects with `error` (bytes not yet read are dropped). */
  fail(error: unknown): void {
    this.failure ??= { error };
    if (this.waiting) {
      const { reject } = this.waiting;
      this.waiting = undefined;
      reject(error);
    }
  }

  /** True while a producer may go on pushing without growing the queue past its buffers. */
  hasRoom(): boolean {
    // Buffers full, lent or filling; the one filling (maybe past the last, see push) still takes bytes.
    const used = this.created - this.free.length;
    return this.filling ? used <= BUFFERS : used < BUFFERS;
  }

  /** Everything gathered so far (up to one buffer); `done` once the producer ended and all was read. */
  read(): Promise<BatchRead> {
    if (this.failure) return Promise.reject(this.failure.error);
    const batch = this.take();
    if (batch || this.ended) return Promise.resolve(batch ? { done: false, value: batch } : { done: true });
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  /** Hands a batch from `read()` back once it is written; its buffer is reused. */
  release(batch: Buffer): void {
    this.free.push(Buffer.from(batch.buffer, batch.byteOffset, BATCH_BYTES));
    if (this.hasRoom()) this.onRoom();
  }

  private seal(): void {
    this.full.push(this.filling!.subarray(0, this.filled));
    this.filling = undefined;
    this.filled = 0;
  }

  private take(): Buffer | undefined {
    if (this.full.length === 0 && this.filled > 0) this.seal();
    return this.full.shift();
  }

  /**
   * A waiting reader is answered on the next turn of the event loop, not at once: the socket
   * reads that arrive in the same turn (up to 32 of them) then go into the same write.
   */
  private wake(): void {
    if (!this.waiting || this.wakeScheduled) return;
    this.wakeScheduled = true;
    setImmediate(() => {
      this.wakeScheduled = false;
      const waiting = this.waiting;
      if (!waiting || this.failure) return;
      const batch = this.take();
      if (!batch && !this.ended) return;
      this.waiting = undefined;
      waiting.resolve(batch ? { done: false, value: batch } : { done: true });
    });
  }
}
