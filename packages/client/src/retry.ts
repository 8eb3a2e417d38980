// Retries of calls that are safe to repeat: backoff with jitter, or what Retry-After asks for.
import { ApiError, NetworkError } from './errors.js';
import { sleep } from './internal/sleep.js';

/** Statuses worth another try of a safe request: the server or a proxy may answer differently. */
export const RETRYABLE_STATUSES: readonly number[] = [408, 429, 500, 502, 503, 504];
/** First backoff step; doubles each attempt up to the cap. */
export const BASE_DELAY_MS = 500;
export const MAX_DELAY_MS = 8_000;
/** A `Retry-After` longer than this is not waited for: the error goes to the caller, who can schedule. */
export const MAX_RETRY_AFTER_MS = 60_000;

/** Whether a failed attempt of a safe request deserves another one (NetworkError includes TimeoutError). */
export const isRetryable = (error: unknown): boolean =>
  error instanceof NetworkError || (error instanceof ApiError && RETRYABLE_STATUSES.includes(error.status));

/**
 * How long to wait before retry number `attempt + 1`, or `undefined` when the server asked for
 * a wait longer than MAX_RETRY_AFTER_MS. The server's `Retry-After` wins; otherwise a capped
 * exponential backoff with "equal jitter" (half fixed, half random) so clients spread out.
 */
export function retryDelayMs(attempt: number, retryAfterMs: number | undefined, random = Math.random) {
  if (retryAfterMs !== undefined) {
    return retryAfterMs <= MAX_RETRY_AFTER_MS ? retryAfterMs : undefined;
  }
  const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** attempt);
  return Math.round((ceiling * (1 + random())) / 2);
}

/**
 * Runs `run(0)`, `run(1)`, … until one succeeds, one fails with an error not worth another
 * try, or `maxRetries` retries are spent (0 for calls that are not safe to repeat). A caller's abort
 * during the backoff rejects with its reason.
 */
export async function withRetries<T>(
  maxRetries: number,
  signal: AbortSignal | undefined,
  run: (n: number) => Promise<T>,
): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await run(n);
    } catch (error) {
      const spent = n >= maxRetries || signal?.aborted;
      const delay = spent || !isRetryable(error) ? undefined : retryDelayMs(n, (error as ApiError).retryAfterMs);
      if (delay === undefined) {
        throw error;
      }
      await sleep(delay, signal);
    }
  }
}
