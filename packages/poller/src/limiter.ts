// One budget for status requests shared by every wait that uses it: at most
// `maxConcurrent` in flight and (optionally) `maxPerSecond` started per second. Waiting
// callers queue in order; an aborted caller leaves the queue at once.
import { InvalidArgumentError } from '@mindzie/client';

export interface LimiterOptions {
  /** Requests in flight at once (default 8). */
  maxConcurrent?: number;
  /** Requests started per second, with a burst of a tenth of a second (default: no limit). */
  maxPerSecond?: number;
}

export interface Limiter {
  /** Runs `task` when the budget allows; rejects with the signal's reason if it aborts first. */
  run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  /** Tasks running now. */
  readonly active: number;
  /** Tasks waiting for their turn. */
  readonly queued: number;
}

interface Entry {
  start: () => void;
}

export function createLimiter(options: LimiterOptions = {}): Limiter {
  const maxConcurrent = options.maxConcurrent ?? 8;
  const rate = options.maxPerSecond ?? Infinity;
  if (!Number.isInteger(maxConcurrent) || maxConcurrent < 1) throw new InvalidArgumentError('maxConcurrent', 'maxConcurrent must be an integer of at least 1');
  if (typeof rate !== 'number' || !(rate > 0)) throw new InvalidArgumentError('maxPerSecond', 'maxPerSecond must be a positive number');

  const burst = Math.max(1, Math.floor(rate / 10));
  const queue = new Set<Entry>();
  let active = 0;
  let tokens = burst;
  let refilledAt = Date.now();
  let refillTimer: ReturnType<typeof setTimeout> | undefined;

  const refill = () => {
    const now = Date.now();
    tokens = Math.min(burst, tokens + ((now - refilledAt) * rate) / 1000);
    refilledAt = now;
  };

  const pump = () => {
    while (queue.size > 0 && active < maxConcurrent) {
      if (rate !== Infinity) {
        refill();
        if (tokens < 1) {
          refillTimer ??= setTimeout(() => {
            refillTimer = undefined;
            pump();
          }, Math.ceil(((1 - tokens) * 1000) / rate));
          return;
        }
        tokens -= 1;
      }
      const entry = queue.values().next().value as Entry;
      queue.delete(entry);
      entry.start();
    }
    if (queue.size === 0 && refillTimer !== undefined) {
      clearTimeout(refillTimer);
      refillTimer = undefined;
    }
  };

  return {
    get active() {
      return active;
    },
    get queued() {
      return queue.size;
    },
    run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        const onAbort = () => {
          queue.delete(entry);
          pump(); // may clear the refill timer when the queue empties
          reject(signal!.reason);
        };
        const entry: Entry = {
          start: () => {
            signal?.removeEventListener('abort', onAbort);
            active += 1;
            let result: Promise<T>;
            try {
              result = Promise.resolve(task());
            } catch (error) {
              result = Promise.reject(error);
            }
            result.then(resolve, reject).finally(() => {
              active -= 1;
              pump();
            });
          },
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        queue.add(entry);
        pump();
      });
    },
  };
}
