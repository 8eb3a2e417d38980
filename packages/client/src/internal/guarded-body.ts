import { NetworkError } from '../errors.js';
import type { Attempt } from './send.js';

/**
 * Wraps a download body so that a large package streams without a total time limit yet
 * never hangs: each read waits at most `timeoutMs` for the next chunk (the idle timeout),
 * a body shorter or longer than `Content-Length` fails, and every failure is an SDK error
 * (or the caller's abort reason). The timer only runs while the consumer waits for data,
 * so a slow consumer is never mistaken for a stalled server.
 */
export function guardedBody(response: Response, expectedBytes: number | undefined, attempt: Attempt): ReadableStream<Uint8Array> {
  const reader = (response.body ?? new Blob().stream()).getReader();
  const { signal } = attempt;
  // Never rely on the fetch implementation to error the body on abort: undici does so only while
  // the Response object is reachable (a WeakRef), and nobody holds it once the stream is handed out.
  // Cancelling the reader ends a pending read (as "done"), which `pull` then reports as the abort.
  const onAbort = () => reader.cancel(signal.reason).catch(() => {});
  signal.addEventListener('abort', onAbort);
  const finish = () => {
    signal.removeEventListener('abort', onAbort);
    attempt.dispose();
  };
  const fail = (error: unknown): never => {
    finish();
    reader.cancel(error).catch(() => {});
    throw error;
  };
  let received = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      attempt.arm(`no data for ${attempt.timeoutMs} ms after ${received} bytes`);
      const chunk = await reader.read().catch((cause: unknown) => fail(attempt.failure(cause)));
      attempt.disarm();
      if (signal.aborted) fail(attempt.failure(signal.reason));
      received += chunk.value?.byteLength ?? 0;
      if (expectedBytes !== undefined && (chunk.done ? received != expectedBytes : received > expectedBytes)) {
        const { method, path } = attempt.request;
        fail(new NetworkError(`${method} ${path}: received ${received} bytes but Content-Length announced ${expectedBytes}`, { request: attempt.request }));
      }
      if (chunk.done) {
        finish();
        controller.close();
      } else controller.enqueue(chunk.value);
    },
    cancel(reason) {
      finish();
      return reader.cancel(reason);
    },
  });
}
