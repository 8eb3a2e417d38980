import { NetworkError } from '../errors.js';
import type { Attempt } from '../attempt.js';

type Chunk = { done?: boolean | undefined; value?: Uint8Array | undefined };

/**
 * The checks every download body gets, whoever reads it (the web stream below, or Node's stream
 * in `@mindzie/client/node`): each read waits at most `timeoutMs` for the next chunk (the idle
 * timeout), every failure is an SDK error (or the caller's abort reason), and a body shorter or
 * longer than `Content-Length` fails. The timer only runs while a read waits for data, so a slow
 * consumer is never mistaken for a stalled server.
 */
export function bodyGuard(attempt: Attempt, expectedBytes: number | undefined): <C extends Chunk>(read: () => Promise<C>) => Promise<C> {
  let received = 0;
  return async (read) => {
    attempt.arm(`no data for ${attempt.timeoutMs} ms after ${received} bytes`);
    let chunk;
    try {
      chunk = await read();
    } catch (cause) {
      throw attempt.failure(cause);
    } finally {
      attempt.disarm();
    }
    if (attempt.signal.aborted) throw attempt.failure(attempt.signal.reason);
    received += chunk.value?.byteLength ?? 0;
    if (expectedBytes !== undefined && (chunk.done ? received != expectedBytes : received > expectedBytes)) {
      throw new NetworkError(`${attempt.describe()}: received ${received} bytes but Content-Length announced ${expectedBytes}`, { request: attempt.request });
    }
    return chunk;
  };
}

/** The body of `downloadPackage`: a web stream under the guard above, which owns the attempt from here. */
export function guardedBody(response: Response, expectedBytes: number | undefined, attempt: Attempt): ReadableStream<Uint8Array> {
  const reader = (response.body ?? new Blob().stream()).getReader();
  const next = bodyGuard(attempt, expectedBytes);
  const { signal } = attempt;
  // Never rely on the fetch implementation to error the body on abort: undici does so only while
  // the Response object is reachable (a WeakRef), and nobody holds it once the stream is handed out.
  // Cancelling the reader ends a pending read (as "done"), which the guard then reports as the abort.
  const onAbort = () => reader.cancel(signal.reason).catch(() => {});
  signal.addEventListener('abort', onAbort);
  const finish = () => {
    signal.removeEventListener('abort', onAbort);
    attempt.dispose();
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const chunk = await next(() => reader.read()).catch((error: unknown) => {
        finish();
        reader.cancel(error).catch(() => {});
        throw error;
      });
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
