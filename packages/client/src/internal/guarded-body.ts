import type { Attempt } from '../attempt.js';
import { NetworkError } from '../errors.js';

/**
 * The body of `downloadPackage`, which owns the attempt from here: each read waits at most
 * `timeoutMs` for the next chunk (the idle timeout; the timer only runs while a read waits, so a
 * slow consumer is never mistaken for a stalled server), every failure is an SDK error (or the
 * caller's abort reason), and a body shorter or longer than `Content-Length` fails.
 */
export function guardedBody(response: Response, expectedBytes: number | undefined, attempt: Attempt) {
  const reader = (response.body ?? new Blob().stream()).getReader();
  const { signal } = attempt;
  let received = 0;
  // Never rely on the fetch implementation to error the body on abort: undici does so only while
  // the Response object is reachable (a WeakRef), and nobody holds it once the stream is handed out.
  // Cancelling the reader ends a pending read (as "done"), which is then reported as the abort.
  const onAbort = () => reader.cancel(signal.reason).catch(() => {});
  signal.addEventListener('abort', onAbort);
  const finish = () => {
    signal.removeEventListener('abort', onAbort);
    attempt.dispose();
  };
  const next = async () => {
    attempt.arm(`no data for ${attempt.timeoutMs} ms after ${received} bytes`);
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch (cause) {
      throw attempt.failure(cause);
    } finally {
      attempt.disarm();
    }
    if (signal.aborted) {
      throw attempt.failure(signal.reason);
    }
    received += chunk.value?.byteLength ?? 0;
    const mismatch = chunk.done ? received !== expectedBytes : received > expectedBytes!;
    if (expectedBytes !== undefined && mismatch) {
      const message = `${attempt.describe()}: received ${received} bytes but Content-Length announced ${expectedBytes}`;
      throw new NetworkError(message, { request: attempt.request });
    }
    return chunk;
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const chunk = await next().catch((error: unknown) => {
        finish();
        reader.cancel(error).catch(() => {});
        throw error;
      });
      if (chunk.done) {
        finish();
        controller.close();
      } else {
        controller.enqueue(chunk.value);
      }
    },
    cancel(reason) {
      finish();
      return reader.cancel(reason);
    },
  });
}
