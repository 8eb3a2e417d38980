// The fleet's request budget: rate-limiter-flexible's Redis limiter with one key per slot of
// the clock (a tenth of a second when `maxPerSecond` divides into ten, else a fifth, … a whole
// second), so no second ever holds more than `maxPerSecond` starts whichever process sends
// them, and they are spread over the second rather than sent at its start; and each
// process's own limit of requests in flight. Waiting for the next slot is this file's loop, not
// rate-limiter-flexible's RateLimiterQueue: that queue waits on one key of whole seconds (every
// start at a second's start), its deadlines are whole Unix seconds, and it cannot drop a request
// whose wait has left (it would spend a point of the fleet's budget for nobody).
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { sleep } from '../internal.js';
import { createLimiter, type Limiter } from '../limiter.js';
import type { ResolvedOptions } from './options.js';

/** Runs one Redis call within the coordinator's command limit (see RedisHealth.command). */
export type Command = <T>(run: () => Promise<T>) => Promise<T>;

export class FleetBudget {
  readonly #limiter: RateLimiterRedis;
  /** Requests in flight in this process. */
  readonly inFlight: Limiter;
  readonly #command: Command;
  /** Length of one slot of the budget (ms). */
  readonly #slotMs: number;

  constructor(options: ResolvedOptions, prefix: string, command: Command) {
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
    this.#command = command;
  }

  /**
   * Resolves true when the fleet's budget has a request left in this slot, waiting for the next
   * slots otherwise; false when none has room before `until` (epoch ms). Rejects with
   * RedisAwayError when Redis does not answer.
   */
  async take(signal: AbortSignal, until: number): Promise<boolean> {
    for (;;) {
      signal.throwIfAborted();
      if (Date.now() >= until) {
        return false;
      }
      const slot = String(Math.floor(Date.now() / this.#slotMs));
      // Spent (a RateLimiterRes) is an answer, not an outage.
      const granted = await this.#command(() =>
        this.#limiter.consume(slot).then(
          () => true,
          (error: unknown) => {
            if (error instanceof RateLimiterRes) {
              return false;
            }
            throw error;
          },
        ),
      );
      if (granted) {
        return true;
      }
      // Spent for this slot: try again when the next one starts (a little spread, not all at once).
      const slotMs = this.#slotMs;
      if (Date.now() + slotMs - (Date.now() % slotMs) >= until) {
        return false;
      }
      if (await sleep(slotMs - (Date.now() % slotMs) + Math.floor((Math.random() * slotMs) / 5), signal)) {
        throw signal.reason;
      }
    }
  }
}
