// The fleet's request budget: rate-limiter-flexible's Redis limiter, one key per calendar
// second (so no second ever holds more than `maxPerSecond` starts, whichever process sends
// them), and each process's own limit of requests in flight.
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { createLimiter, type Limiter } from '../limiter.js';
import type { ResolvedOptions } from './options.js';

/** A Redis call failed or took too long: this check polls locally instead. */
export class RedisAwayError extends Error {
  override name = 'RedisAwayError';
}

export class FleetBudget {
  readonly #limiter: RateLimiterRedis;
  /** Requests in flight in this process. */
  readonly inFlight: Limiter;
  readonly #commandTimeoutMs: number;

  constructor(options: ResolvedOptions, prefix: string) {
    this.#limiter = new RateLimiterRedis({
      storeClient: options.redis,
      keyPrefix: `${prefix}budget`,
      points: options.maxPerSecond,
      duration: 1,
      rejectIfRedisNotReady: true,
    });
    this.inFlight = createLimiter({ maxConcurrent: options.maxConcurrent });
    this.#commandTimeoutMs = options.commandTimeoutMs;
  }

  /** Resolves when the fleet's budget has a request for this second; waits for the next second otherwise. */
  async take(signal: AbortSignal): Promise<void> {
    for (;;) {
      signal.throwIfAborted();
      const second = Math.floor(Date.now() / 1000);
      try {
        await withTimeout(this.#limiter.consume(String(second)), this.#commandTimeoutMs);
        return;
      } catch (error) {
        if (!(error instanceof RateLimiterRes))
          throw error instanceof RedisAwayError
            ? error
            : new RedisAwayError(String((error as Error)?.message ?? error));
      }
      // Spent for this second: try again when the next one starts (a little spread, not all at once).
      await sleep(1_000 - (Date.now() % 1_000) + Math.floor(Math.random() * 20), signal);
    }
  }
}

/** Settles like `promise`, or rejects with RedisAwayError after `ms` (the late answer is dropped). */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RedisAwayError(`Redis did not answer within ${ms} ms`)), ms);
  });
  promise.catch(() => {}); // a late failure is not unhandled
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
