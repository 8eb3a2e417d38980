// One budget for status requests shared by every wait that uses it: at most
// `maxConcurrent` in flight and (optionally) `maxPerSecond` started per second. Callers
// queue in order; a caller that gives up leaves the queue at once.
import { InvalidArgumentError } from '@mindzie/client';

export interface LimiterOptions {
  /** Requests in flight at once (default 8). */
  maxConcurrent?: number;
  /** Requests started per second, with a burst of a tenth of a second (default: no limit). */
  maxPerSecond?: number;
}

/** Made by createLimiter; pass it as `limiter` to any number of waits. */
export interface Limiter {
  /**
   * Runs `task` when the budget allows (your own requests can share it); rejects with the signal's
   * reason if it aborts first.
   */
  run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  /** Tasks running now. */
  readonly active: number;
  /** Tasks waiting for their turn. */
  readonly queued: number;
}

/** A caller waiting in a limiter's queue: `go` is called when it is its turn. */
export interface Turn {
  go(): void;
}

/**
 * The limiter's inside, for the poll loop: `enter` queues a turn, `cancel` takes it out of
 * the queue again, and whoever was started calls `leave` when done. No promise, signal,
 * listener or callback per waiting caller (a stream is its own turn), so thousands of
 * queued waits stay cheap.
 */
export interface Gate {
  enter(turn: Turn): void;
  cancel(turn: Turn): void;
  leave(): void;
}

const gates = new WeakMap<Limiter, Gate>();

/** The gate of a limiter made by createLimiter (anything else is not a limiter). */
export function gateOf(limiter: unknown): Gate | undefined {
  return gates.get(limiter as Limiter);
}

export function createLimiter(options: LimiterOptions = {}): Limiter {
  const maxConcurrent = options.maxConcurrent ?? 8;
  const rate = options.maxPerSecond ?? Infinity;
  if (!Number.isInteger(maxConcurrent) || maxConcurrent < 1) {
    throw new InvalidArgumentError('maxConcurrent', 'maxConcurrent must be an integer of at least 1');
  }
  if (typeof rate !== 'number' || !(rate > 0)) {
    throw new InvalidArgumentError('maxPerSecond', 'maxPerSecond must be a positive number');
  }

  const burst = Math.max(1, Math.floor(rate / 10));
  const queue = new Set<Turn>();
  let active = 0;
  let tokens = burst;
  let refilledAt = Date.now();
  let refillTimer: ReturnType<typeof setTimeout> | undefined;

  const pump = (): void => {
    while (queue.size > 0 && active < maxConcurrent) {
      if (rate !== Infinity) {
        const now = Date.now();
        tokens = Math.min(burst, tokens + ((now - refilledAt) * rate) / 1000);
        refilledAt = now;
        if (tokens < 1) {
          refillTimer ??= setTimeout(
            () => {
              refillTimer = undefined;
              pump();
            },
            Math.ceil(((1 - tokens) * 1000) / rate),
          );
          return;
        }
        tokens -= 1;
      }
      const turn = queue.values().next().value as Turn;
      queue.delete(turn);
      active += 1;
      turn.go();
    }
    if (queue.size === 0 && refillTimer !== undefined) {
      clearTimeout(refillTimer);
      refillTimer = undefined;
    }
  };

  const gate: Gate = {
    enter(turn) {
      queue.add(turn);
      pump();
    },
    cancel(turn) {
      if (queue.delete(turn)) {
        pump(); // may clear the refill timer when the queue empties
      }
    },
    leave() {
      active -= 1;
      pump();
    },
  };

  const limiter: Limiter = {
    get active() {
      return active;
    },
    get queued() {
      return queue.size;
    },
    run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        if (signal?.aborted) {
          return reject(signal.reason);
        }
        const turn: Turn = {
          go() {
            signal?.removeEventListener('abort', onAbort);
            Promise.resolve().then(task).then(resolve, reject).finally(gate.leave);
          },
        };
        const onAbort = () => {
          gate.cancel(turn);
          reject(signal!.reason);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        gate.enter(turn);
      });
    },
  };
  gates.set(limiter, gate);
  return limiter;
}
