// One process's part in the fleet's poll of one execution: it polls while it holds the
// execution's lease, and otherwise follows the statuses the holder publishes, taking the
// lease over when the holder is gone (its lease expired). Redis away: it polls locally.
import { TimeoutError } from '@mindzie/client';
import type { FleetMember, FleetPoll } from '../coordinator.js';
import type { CheckContext } from '../stream.js';
import { RedisAwayError } from './budget.js';

/** What an execution's poll needs from its coordinator. */
export interface Fleet {
  readonly leaseMs: number;
  /** Both connections are up and subscribed. */
  available(): Promise<boolean>;
  /** Takes the lease if nobody holds it (rejects with RedisAwayError). */
  claim(poll: ExecutionPoll): Promise<boolean>;
  /** Runs one request here and tells the others its answer (Redis errors reject with RedisAwayError). */
  lead<T>(poll: ExecutionPoll, source: Source<T>, context: CheckContext): Promise<T>;
  /** Runs one request within this process's fallback budget. */
  local<T>(source: Source<T>, context: CheckContext): Promise<T>;
  /** The last status any process published for it, if it is still kept. */
  stored(poll: ExecutionPoll): Promise<{ value: unknown } | undefined>;
  fellBack(error: Error): void;
  left(poll: ExecutionPoll): void;
}

type Source<T> = { check(context: CheckContext): Promise<T> };
type News = { value: unknown } | undefined;

/** A follower's check ends this long before its request time runs out: time to read the answer. */
export const FOLLOW_MARGIN_MS = 250;

export class ExecutionPoll implements FleetPoll {
  /** True while this process holds the lease (it polls; the others follow). */
  leading = false;
  last: { value: unknown } | undefined;
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

  async check<T>(source: Source<T>, context: CheckContext): Promise<T> {
    const { fleet } = this;
    try {
      if (!(await fleet.available())) {
        throw new RedisAwayError('Redis is not connected');
      }
      if (this.leading || (await fleet.claim(this))) {
        return await fleet.lead(this, source, context);
      }
      return (await this.#follow(source, context)) as T;
    } catch (error) {
      if (!(error instanceof RedisAwayError)) {
        throw error; // the server's answer, an abort: the wait's to handle
      }
      fleet.fellBack(error);
      return fleet.local(source, context);
    }
  }

  leave(): void {
    this.#waiter?.(undefined);
    this.fleet.left(this);
  }

  /** Waits for the holder's next status; claims the poll when the holder is gone. */
  async #follow(source: Source<unknown>, context: CheckContext): Promise<unknown> {
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
        return fleet.lead(this, source, context);
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
