// The fleet's request budget: rate-limiter-flexible's Redis limiter with one key per slot of
// the clock (a tenth of a second when `maxPerSecond` divides into ten, else a fifth, … a whole
// second), so no second ever holds more than `maxPerSecond` starts whichever process sends
// them, and they are spread over the second rather than sent at its start; and each
// process's own limit of requests in flight.
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
  /** Length of one slot of the budget (ms). */
  readonly #slotMs: number;

  constructor(options: ResolvedOptions, prefix: string) {
    const slots = [10, 5, 4, 2, 1].find((n) => options.maxPerSecond % n === 0)!;
    this.#slotMs = 1_000 / slots;
    this.#limiter = new RateLimiterRedis({
      storeClient: options.redis,
      keyPrefix: `${prefix}budget`,
      points: options.maxPerSecond / slots,
      duration: 1, // how long a slot's key lives (at least its slot)
      rejectIfRedisNotReady: true,
    });
    this.inFlight = createLimiter({ maxConcurrent: options.maxConcurrent });
    this.#commandTimeoutMs = options.commandTimeoutMs;
  }

  /**
   * Resolves true when the fleet's budget has a request left in this slot, waiting for the next
   * slots otherwise; false when none has room before `until` (epoch ms).
   */
  async take(signal: AbortSignal, until: number): Promise<boolean> {
    for (;;) {
      signal.throwIfAborted();
      if (Date.now() >= until) {
        return false;
      }
      const slot = Math.floor(Date.now() / this.#slotMs);
      try {
        await withTimeout(this.#limiter.consume(String(slot)), this.#commandTimeoutMs);
        return true;
      } catch (error) {
        if (!(error instanceof RateLimiterRes)) {
          throw error instanceof RedisAwayError
            ? error
            : new RedisAwayError(String((error as Error)?.message ?? error));
        }
      }
      // Spent for this slot: try again when the next one starts (a little spread, not all at once).
      const slotMs = this.#slotMs;
      if (Date.now() + slotMs - (Date.now() % slotMs) >= until) {
        return false;
      }
      await sleep(slotMs - (Date.now() % slotMs) + Math.floor((Math.random() * slotMs) / 5), signal);
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
