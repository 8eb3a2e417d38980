// The Redis coordinator: leases (SET NX PX, renewed while held), one pub/sub channel per
// tenant and project for statuses, the fleet's request budget, and the fall back to local
// polling while Redis is away. Every key lives under mindzie:poller:{tenant}:{project}: and
// expires; a lease is deleted when its last wait here leaves.
import { randomUUID } from 'node:crypto';
import { TimeoutError } from '@mindzie/client';
import type { Redis } from 'ioredis';
import type { FleetMember } from '../coordinator.js';
import { createLimiter } from '../limiter.js';
import type { CheckContext } from '../stream.js';
import { FleetBudget, RedisAwayError, withTimeout } from './budget.js';
import { ExecutionPoll, type Fleet, FOLLOW_MARGIN_MS } from './execution-poll.js';
import { type RedisCoordinator, type RedisCoordinatorOptions, resolveOptions } from './options.js';

// Compare-and-renew and compare-and-delete: a lease is only touched by the process holding it.
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then
  redis.call('pexpire', KEYS[2], ARGV[3])
  return redis.call('pexpire', KEYS[1], ARGV[2])
end
return 0`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then
  redis.call('pexpire', KEYS[2], ARGV[2])
  return redis.call('del', KEYS[1])
end
return 0`;

type Source<T> = { check(context: CheckContext): Promise<T> };

/** Makes a coordinator for `coordinator:` on waits; one per process (and Redis client) is enough. */
export function createRedisCoordinator(options: RedisCoordinatorOptions): RedisCoordinator {
  const o = resolveOptions(options);
  const { redis, leaseMs, commandTimeoutMs } = o;
  const prefix = `mindzie:poller:${o.tenantId}:${o.projectId}:`;
  const channel = `${prefix}statuses`;
  const self = randomUUID();
  const budget = new FleetBudget(o, prefix);
  const fallback = createLimiter({ maxConcurrent: o.maxConcurrent, maxPerSecond: o.fallbackPerSecond });
  /** Every execution followed here, by key (two clients of one process may follow the same one). */
  const polls = new Map<string, Set<ExecutionPoll>>();
  const leading = new Set<ExecutionPoll>();
  let away = false;
  let closed = false;
  let subscribed = false;
  let renewing: ReturnType<typeof setInterval> | undefined;

  const subscriber: Redis = redis.duplicate();
  subscriber.on('error', () => {}); // reported once per outage through onFallback, not per retry
  subscriber.on('message', (from: string, text: string) => {
    if (from === channel) {
      route(text);
    }
  });
  const subscribe = () => {
    subscribed = false;
    subscriber.subscribe(channel).then(
      () => {
        subscribed = true;
        rejoin();
      },
      () => {},
    );
  };
  subscriber.on('ready', subscribe);
  redis.on('ready', rejoin);

  const up = () => !closed && subscribed && redis.status === 'ready' && subscriber.status === 'ready';
  const leaseKey = (poll: ExecutionPoll) => `${prefix}lease:${poll.key}`;
  const statusKey = (poll: ExecutionPoll) => `${prefix}status:${poll.key}`;

  /** A Redis call bounded by commandTimeoutMs; any failure is RedisAwayError. */
  function command<T>(run: () => Promise<T>): Promise<T> {
    if (!up()) {
      return Promise.reject(new RedisAwayError(`Redis is not connected (${redis.status})`));
    }
    return withTimeout(run(), commandTimeoutMs).catch((error: unknown) => {
      throw error instanceof RedisAwayError ? error : new RedisAwayError(String((error as Error)?.message ?? error));
    });
  }

  function route(text: string): void {
    let message: { k?: unknown; f?: unknown; v?: unknown };
    try {
      message = JSON.parse(text);
    } catch {
      return; // not ours
    }
    if (message.f === self || typeof message.k !== 'string') {
      return;
    }
    const value = message.v ?? undefined;
    for (const poll of polls.get(message.k) ?? []) {
      poll.deliver(value);
    }
  }

  function fellBack(error: Error): void {
    // Whatever this process held may be another's by the time Redis answers again: claim anew.
    for (const poll of leading) {
      poll.leading = false;
    }
    leading.clear();
    if (away || closed) {
      return;
    }
    away = true;
    o.onFallback(error);
  }

  function rejoin(): void {
    if (!away || !up()) {
      return;
    }
    away = false;
    o.onRejoin?.();
  }

  function renew(): void {
    if (leading.size === 0) {
      clearInterval(renewing);
      renewing = undefined;
      return;
    }
    const held = [...leading];
    const batch = redis.pipeline();
    for (const poll of held) {
      batch.eval(RENEW, 2, leaseKey(poll), statusKey(poll), self, leaseMs, 3 * leaseMs);
    }
    command(() => batch.exec()).then(
      (results) => {
        held.forEach((poll, i) => {
          if (results?.[i]?.[1] === 1) {
            return;
          }
          poll.leading = false; // expired meanwhile (a stall): another process may hold it now
          leading.delete(poll);
        });
      },
      (error: Error) => fellBack(error),
    );
  }

  const fleet: Fleet = {
    leaseMs,
    async available() {
      if (up()) {
        return true;
      }
      // Just created: give the connections a moment before calling it an outage.
      if (!away && !closed && redis.status !== 'end') {
        await whenUp(commandTimeoutMs);
      }
      return up();
    },
    async claim(poll) {
      const ok = await command(() => redis.set(leaseKey(poll), self, 'PX', leaseMs, 'NX'));
      if (ok !== 'OK') {
        return false;
      }
      poll.leading = true;
      leading.add(poll);
      renewing ??= setInterval(renew, Math.max(50, Math.floor(leaseMs / 3)));
      renewing.unref?.();
      return true;
    },
    lead<T>(poll: ExecutionPoll, source: Source<T>, context: CheckContext) {
      // Waiting for the budget is bounded by this check's time: a fleet short of budget must not
      // turn into failures counted against the wait. Then the latest status stands for this check.
      const until = Date.now() + context.timeoutMs - Math.min(FOLLOW_MARGIN_MS, context.timeoutMs / 4);
      return budget.inFlight.run(async () => {
        if (!(await budget.take(context.signal, until))) {
          if (poll.last) {
            return poll.last.value as T;
          }
          throw new TimeoutError('The fleet had no request left in its budget before this check ran out of time');
        }
        const value = await source.check(context);
        poll.last = { value };
        publish(poll, value);
        return value;
      }, context.signal);
    },
    local<T>(source: Source<T>, context: CheckContext) {
      return fallback.run(() => source.check(context), context.signal);
    },
    async stored(poll) {
      const text = await command(() => redis.get(statusKey(poll)));
      if (text === null) {
        return undefined;
      }
      try {
        return { value: (JSON.parse(text) as { v?: unknown }).v ?? undefined };
      } catch {
        return undefined; // not ours: as if nothing were kept
      }
    },
    fellBack,
    left(poll) {
      const siblings = polls.get(poll.key);
      siblings?.delete(poll);
      if (siblings?.size === 0) {
        polls.delete(poll.key);
      }
      void release(poll);
    },
  };

  /** Gives the lease up at once (the others claim it on their next check); it would expire anyway. */
  async function release(poll: ExecutionPoll): Promise<void> {
    if (!leading.delete(poll)) {
      return;
    }
    poll.leading = false;
    await command(() => redis.eval(RELEASE, 2, leaseKey(poll), statusKey(poll), self, leaseMs)).catch(() => {});
  }

  function publish(poll: ExecutionPoll, value: unknown): void {
    const text = JSON.stringify({ k: poll.key, f: self, v: value ?? null });
    // Another client of this process following the same execution hears it here, not from Redis.
    for (const sibling of polls.get(poll.key) ?? []) {
      if (sibling !== poll) {
        sibling.deliver(value);
      }
    }
    command(() =>
      redis
        .multi()
        .set(statusKey(poll), text, 'PX', 3 * leaseMs)
        .publish(channel, text)
        .exec(),
    ).catch(fellBack);
  }

  function whenUp(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const started = Date.now();
      const tick = () => (up() || Date.now() - started >= ms ? resolve() : setTimeout(tick, 10));
      tick();
    });
  }

  return {
    join(key: string, member: FleetMember) {
      const poll = new ExecutionPoll(fleet, key, member);
      let siblings = polls.get(key);
      if (!siblings) {
        siblings = new Set();
        polls.set(key, siblings);
      }
      siblings.add(poll);
      return poll;
    },
    get connected() {
      return up();
    },
    async close() {
      if (closed) {
        return;
      }
      await Promise.all([...leading].map(release));
      closed = true;
      clearInterval(renewing);
      subscriber.removeAllListeners('ready');
      redis.off('ready', rejoin);
      subscriber.disconnect();
    },
  };
}
