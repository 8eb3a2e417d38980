// The bearer token, asked for each attempt (a string, or a provider for tokens that expire).
import type { Middleware } from 'openapi-fetch';
import type { Attempt } from '../attempt.js';

/**
 * Sets `Authorization: Bearer …` on every attempt (the task client makes one per attempt; the raw
 * client one for all, without `attempt`). A provider that hangs does not hold up the attempt's
 * abort or timeout: the wait is raced against the attempt's signal. A provider's own failure is
 * marked on the attempt, so that it reaches the caller as it is, never retried.
 */
export const authMiddleware = (token: () => string | Promise<string>, attempt?: Attempt): Middleware => ({
  async onRequest({ request }) {
    if (attempt) {
      attempt.sent = request;
    }
    let value: string;
    try {
      const pending = token();
      value = typeof pending === 'string' ? pending : await untilAborted(pending, attempt?.signal ?? request.signal);
    } catch (caught) {
      if (attempt) {
        attempt.tokenFailed = true;
      }
      throw caught;
    }
    if (attempt) {
      attempt.token = value;
    }
    request.headers.set('Authorization', `Bearer ${value}`);
    return undefined;
  },
});

/** What `pending` settles with, or the signal's reason as soon as it aborts. */
function untilAborted<T>(pending: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason); // `pending` is still handled below: its rejection must not go unhandled
    }
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    pending.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
