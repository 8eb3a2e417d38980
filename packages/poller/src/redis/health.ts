// Whether Redis is with us, judged by what it answers: a command that fails or outlasts
// commandTimeoutMs, or a connection that closes, starts an outage (onFallback, once); the
// first command answered after it ends the outage (onRejoin, once). While away, waits poll
// locally and one PING at a time asks whether Redis is back. ioredis's 'ready' events wake
// whoever waits for the connections.
import type { Redis } from 'ioredis';
import { RedisAwayError, withTimeout } from './away.js';

export interface HealthHooks {
  onFallback(error: Error): void;
  onRejoin?: () => void;
  /** Runs before onFallback: what this process held may be another's by the time Redis answers again. */
  lost(): void;
  /** Runs before onRejoin: releases that could not be sent while Redis was away. */
  back(): void;
}

export class RedisHealth {
  /** Starting: not yet connected, nor given up on (the first checks wait for it a little). */
  #state: 'starting' | 'up' | 'away' = 'starting';
  #closed = false;
  #subscribed = false;
  #probing = false;
  readonly #waiters = new Set<() => void>();

  constructor(
    readonly redis: Redis,
    readonly subscriber: Redis,
    readonly timeoutMs: number,
    readonly hooks: HealthHooks,
  ) {}

  /** Both connections are up and the subscriber listens (not yet proof that Redis answers). */
  get linked(): boolean {
    return this.#subscribed && this.redis.status === 'ready' && this.subscriber.status === 'ready';
  }

  /** True exactly while waits share their polls through Redis (false while they poll locally). */
  get connected(): boolean {
    return !this.#closed && this.#state === 'up';
  }

  get away(): boolean {
    return this.#state === 'away';
  }

  /** The subscriber (re)subscribed or dropped its subscription. */
  subscribed(value: boolean): void {
    this.#subscribed = value;
    this.changed();
  }

  /** A connection became ready: wake whoever waits for it, and ask whether an outage is over. */
  changed(): void {
    if (!this.linked) {
      return;
    }
    if (this.#state === 'starting') {
      this.#state = 'up';
    }
    for (const wake of this.#waiters) {
      wake();
    }
    this.probe();
  }

  /** A connection closed (Redis gone, or the network): an outage, whatever a command would say. */
  dropped(): void {
    if (this.#state === 'up' && !this.#closed) {
      this.fellBack(new RedisAwayError('The connection to Redis closed'));
    }
  }

  /** Resolves when both connections are ready, or after `ms`. */
  whenLinked(ms: number): Promise<void> {
    if (this.linked || this.#closed) {
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.#waiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.#waiters.add(wake);
    });
  }

  /**
   * A Redis call bounded by timeoutMs: an answer ends an outage, a failure (RedisAwayError) starts one.
   * While starting, it first waits (up to timeoutMs) for the connections: a coordinator used at once
   * is not an outage.
   */
  command<T>(run: () => Promise<T>): Promise<T> {
    if (this.#state === 'starting' && !this.linked && !this.#closed) {
      return this.whenLinked(this.timeoutMs).then(() => this.#send(run));
    }
    return this.#send(run);
  }

  #send<T>(run: () => Promise<T>): Promise<T> {
    if (this.#closed || !this.linked) {
      const error = new RedisAwayError(`Redis is not connected (${this.redis.status})`);
      this.fellBack(error);
      return Promise.reject(error);
    }
    return withTimeout(run(), this.timeoutMs).then(
      (value) => {
        this.#answered();
        return value;
      },
      (error: unknown) => {
        const away =
          error instanceof RedisAwayError ? error : new RedisAwayError(String((error as Error)?.message ?? error));
        this.fellBack(away);
        throw away;
      },
    );
  }

  /** Starts an outage (once) and drops what this process held. */
  fellBack(error: Error): void {
    this.hooks.lost();
    if (this.#state === 'away' || this.#closed) {
      return;
    }
    this.#state = 'away';
    this.hooks.onFallback(error);
  }

  /** While away: one PING at a time; its answer ends the outage. */
  probe(): void {
    if (this.#state !== 'away' || this.#probing || this.#closed || !this.linked) {
      return;
    }
    this.#probing = true;
    this.command(() => this.redis.ping())
      .catch(() => {})
      .finally(() => {
        this.#probing = false;
      });
  }

  close(): void {
    this.#closed = true;
    for (const wake of this.#waiters) {
      wake();
    }
  }

  #answered(): void {
    if (this.#state !== 'away' || this.#closed || !this.linked) {
      return;
    }
    this.#state = 'up';
    this.hooks.back();
    this.hooks.onRejoin?.();
  }
}
