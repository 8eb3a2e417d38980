import { NetworkError, TimeoutError, type RequestDescription } from '../errors.js';
import type { KeptAttempt } from './send.js';

/**
 * Wraps a download body so that a large package streams without a total time limit yet
 * never hangs: each read waits at most `timeoutMs` for the next chunk (the idle timeout),
 * a body shorter or longer than `Content-Length` fails, and every failure is an SDK error
 * (or the caller's abort reason). The timer only runs while the consumer waits for data,
 * so a slow consumer is never mistaken for a stalled server.
 */
export function guardedBody(
  body: ReadableStream<Uint8Array>,
  expectedBytes: number | undefined,
  attempt: KeptAttempt,
  request: RequestDescription,
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let received = 0;
  const idle = () =>
    new TimeoutError(`${request.method} ${request.path}: no data for ${attempt.timeoutMs} ms after ${received} bytes`, { request });
  const finish = () => attempt.signal.dispose();
  const fail = (error: unknown) => {
    finish();
    reader.cancel(error).catch(() => {});
    return error;
  };

  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      attempt.signal.arm(attempt.timeoutMs, idle);
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (cause) {
        throw fail(attempt.failure(cause));
      } finally {
        attempt.signal.disarm();
      }
      if (chunk.done) {
        if (expectedBytes !== undefined && received !== expectedBytes) throw fail(sizeMismatch(request, received, expectedBytes));
        finish();
        controller.close();
        return;
      }
      received += chunk.value.byteLength;
      if (expectedBytes !== undefined && received > expectedBytes) throw fail(sizeMismatch(request, received, expectedBytes));
      controller.enqueue(chunk.value);
    },
    cancel(reason) {
      finish();
      return reader.cancel(reason);
    },
  });
}

function sizeMismatch(request: RequestDescription, received: number, expected: number): NetworkError {
  return new NetworkError(
    `${request.method} ${request.path}: received ${received} bytes but Content-Length announced ${expected}`,
    { request },
  );
}
