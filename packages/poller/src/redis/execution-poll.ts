// One process's part in the fleet's poll of one execution: it polls while it holds the
// execution's lease, and otherwise follows the statuses the holder publishes, taking the
// lease over when the holder is gone (its lease expired). Redis away: it polls locally.
import { TimeoutError } from '@mindzie/client';
import type { CheckContext, CheckSource } from '../check-context.js';
import type { FleetMember, FleetPoll } from '../coordinator.js';
import { RedisAwayError } from './away.js';

/** What an execution's poll needs from its coordinator. */
export interface Fleet {
  readonly leaseMs: number;
  /** Redis answers (false at once while it is away: the check polls locally). */
  available(): Promise<boolean>;
  /** True while this process holds the poll's lease. */
  leads(poll: ExecutionPoll): boolean;
  /** Takes the lease if nobody holds it (rejects with RedisAwayError). */
  claim(poll: ExecutionPoll): Promise<boolean>;
  /**
   * Runs one request here and tells the others its answer (Redis errors reject with
   * RedisAwayError); `undefined` when the lease turned out to be lost before the request left.
   */
  lead<T>(poll: ExecutionPoll, source: CheckSource<T>, context: CheckContext): Promise<{ value: T } | undefined>;
  /** Runs one request within this process's fallback budget. */
  local<T>(source: CheckSource<T>, context: CheckContext): Promise<T>;
  /** The last status any process published for it, if it is still kept. */
  stored(poll: ExecutionPoll): Promise<{ value: unknown } | undefined>;
  fellBack(error: Error): void;
  left(poll: ExecutionPoll): void;
}

type News = { value: unknown } | undefined;

/** A follower's check ends this long before its request time runs out: time to read the answer. */
export const FOLLOW_MARGIN_MS = 250;

export class ExecutionPoll implements FleetPoll {
  last: { value: unknown } | undefined;
  /** Nobody here waits for it any more: a claim answered after this is released at once. */
  gone = false;
  /** A follower's check waiting for the next status. */
  #waiter: ((news: News) => void) | undefined;

  constructor(
    readonly fleet: Fleet,
    readonly key: string,
    readonly member: FleetMember,
  ) {}

  /** A status another process published. */
  deliver(value: unknown): void {
    this.last = { value };
    if (this.#waiter) {
      this.#waiter({ value });
    } else {
      this.member.receive(value);
    }
  }

  async check<T>(source: CheckSource<T>, context: CheckContext): Promise<T> {
    const { fleet } = this;
    try {
      if (!(await fleet.available())) {
        throw new RedisAwayError('Redis is not connected');
      }
      if (fleet.leads(this) || (await fleet.claim(this))) {
        context.signal.throwIfAborted();
        const led = await fleet.lead(this, source, context);
        if (led) {
          return led.value;
        }
      }
      return (await this.#follow(source, context)) as T;
    } catch (error) {
      if (!(error instanceof RedisAwayError)) {
        throw error; // the server's answer, an abort: the wait's to handle
      }
      fleet.fellBack(error);
      context.signal.throwIfAborted();
      return fleet.local(source, context);
    }
  }

  leave(): void {
    this.gone = true;
    this.#waiter?.(undefined);
    this.fleet.left(this);
  }

  /** Waits for the holder's next status; claims the poll when the holder is gone. */
  async #follow(source: CheckSource<unknown>, context: CheckContext): Promise<unknown> {
    const { fleet } = this;
    const until = Date.now() + Math.max(0, context.timeoutMs - Math.min(FOLLOW_MARGIN_MS, context.timeoutMs / 4));
    for (;;) {
      const news = await this.#next(Math.min(until - Date.now(), fleet.leaseMs), context.signal);
      context.signal.throwIfAborted();
      if (news) {
        return news.value;
      }
      if (!(await fleet.available())) {
        throw new RedisAwayError('Redis is not connected');
      }
      if (await fleet.claim(this)) {
        context.signal.throwIfAborted();
        const led = await fleet.lead(this, source, context);
        if (led) {
          return led.value;
        }
      }
      if (Date.now() < until) {
        continue;
      }
      const known = this.last ?? (await fleet.stored(this));
      if (known) {
        return known.value;
      }
      throw new TimeoutError('No status from the process polling this execution yet');
    }
  }

  #next(ms: number, signal: AbortSignal): Promise<News> {
    return new Promise<News>((resolve) => {
      const done = (news: News) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.#waiter = undefined;
        resolve(news);
      };
      const onAbort = () => done(undefined);
      const timer = setTimeout(done, Math.max(0, ms), undefined);
      signal.addEventListener('abort', onAbort, { once: true });
      this.#waiter = done;
    });
  }
}
