// The Redis coordinator: leases (leases.ts), one pub/sub channel per tenant and project for
// statuses, the fleet's request budget (budget.ts), and the fall back to local polling while
// Redis is away (health.ts). Every key lives under mindzie:poller:{tenant}:{project}: and
// expires; a lease is deleted when its last wait here leaves.
import { randomUUID } from 'node:crypto';
import { TimeoutError } from '@mindzie/client';
import type { Redis } from 'ioredis';
import type { CheckContext, CheckSource } from '../check-context.js';
import type { FleetMember } from '../coordinator.js';
import { createLimiter } from '../limiter.js';
import { isDurationPrior } from '../prior.js';
import { FleetBudget } from './budget.js';
import { ExecutionPoll, type Fleet, FOLLOW_MARGIN_MS } from './execution-poll.js';
import { RedisHealth } from './health.js';
import { Leases } from './leases.js';
import { type RedisCoordinator, type RedisCoordinatorOptions, resolveOptions } from './options.js';

/** Makes a coordinator for `coordinator:` on waits; one per process (and Redis client) is enough. */
export function createRedisCoordinator(options: RedisCoordinatorOptions): RedisCoordinator {
  const o = resolveOptions(options);
  const { redis, leaseMs, commandTimeoutMs } = o;
  const prefix = `mindzie:poller:${o.tenantId}:${o.projectId}:`;
  const channel = `${prefix}statuses`;
  const self = randomUUID();
  const fallback = createLimiter({ maxConcurrent: o.maxConcurrent, maxPerSecond: o.fallbackPerSecond });
  /** Every execution followed here, by key (two clients of one process may follow the same one). */
  const polls = new Map<string, Set<ExecutionPoll>>();
  let closed = false;

  // Outages are told once, through onFallback: without a listener of its own, ioredis would print
  // every failed reconnection of the caller's client.
  const quiet = () => {};
  redis.on('error', quiet);
  const subscriber: Redis = redis.duplicate();
  subscriber.on('error', quiet);
  const health = new RedisHealth(redis, subscriber, commandTimeoutMs, {
    onFallback: o.onFallback,
    onRejoin: o.onRejoin,
    lost: () => leases.lost(),
    back: () => leases.back(),
  });
  const leases = new Leases(redis, health, prefix, leaseMs);
  const command = <T>(run: () => Promise<T>) => health.command(run);
  const budget = new FleetBudget(o, prefix, command);

  subscriber.on('message', (from: string, text: string) => {
    if (from === channel) {
      route(text);
    }
  });
  const subscribe = () => {
    health.subscribed(false);
    subscriber.subscribe(channel).then(
      () => health.subscribed(true),
      () => {},
    );
  };
  const ready = () => health.changed();
  const dropped = () => health.dropped();
  subscriber.on('ready', subscribe);
  redis.on('ready', ready);
  for (const connection of [redis, subscriber]) {
    connection.on('close', dropped);
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

  const fleet: Fleet = {
    leaseMs,
    async available() {
      if (closed) {
        return false;
      }
      if (health.away) {
        health.probe(); // its answer ends the outage; this check polls locally meanwhile
        return false;
      }
      if (!health.linked) {
        await health.whenLinked(commandTimeoutMs); // just created, or reconnecting
      }
      return health.linked && !closed;
    },
    leads: (poll) => leases.holds(poll),
    claim: (poll) => leases.claim(poll),
    lead<T>(poll: ExecutionPoll, source: CheckSource<T>, context: CheckContext) {
      // Waiting for the budget is bounded by this check's time: a fleet short of budget must not
      // turn into failures counted against the wait. Then the latest status stands for this check.
      const until = Date.now() + context.timeoutMs - Math.min(FOLLOW_MARGIN_MS, context.timeoutMs / 4);
      return budget.inFlight.run(async () => {
        if (!(await budget.take(context.signal, until))) {
          if (poll.last) {
            return { value: poll.last.value as T };
          }
          throw new TimeoutError('The fleet had no request left in its budget before this check ran out of time');
        }
        if (!(await leases.confirm(poll))) {
          return undefined; // taken over while this process was paused: follow the new holder
        }
        const value = await source.check(context);
        poll.last = { value };
        publish(poll, value);
        return { value };
      }, context.signal);
    },
    local<T>(source: CheckSource<T>, context: CheckContext) {
      return fallback.run(() => source.check(context), context.signal);
    },
    async stored(poll) {
      const text = await command(() => redis.get(`${prefix}status:${poll.key}`));
      if (text === null) {
        return undefined;
      }
      try {
        return { value: (JSON.parse(text) as { v?: unknown }).v ?? undefined };
      } catch {
        return undefined; // not ours: as if nothing were kept
      }
    },
    fellBack: (error) => health.fellBack(error),
    left(poll) {
      const siblings = polls.get(poll.key);
      siblings?.delete(poll);
      if (siblings?.size === 0) {
        polls.delete(poll.key);
      }
      void leases.release(poll);
    },
  };

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
        .set(`${prefix}status:${poll.key}`, text, 'PX', 3 * leaseMs)
        .publish(channel, text)
        .exec(),
    ).catch(() => {}); // an outage: health fell back
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
    // The fleet's duration priors: one history read per action for every process, kept ttlMs.
    priors: {
      get: (actionId) =>
        command(() => redis.get(`${prefix}prior:${actionId}`)).then((text) => {
          const value: unknown = text === null ? undefined : JSON.parse(text);
          return value === null || isDurationPrior(value) ? value : undefined;
        }),
      set: (actionId, prior, ttlMs) =>
        command(() => redis.set(`${prefix}prior:${actionId}`, JSON.stringify(prior), 'PX', ttlMs)).then(() => {}),
    },
    get connected() {
      return !closed && health.connected;
    },
    async close() {
      if (closed) {
        return;
      }
      await leases.releaseAll();
      closed = true;
      health.close();
      subscriber.off('ready', subscribe);
      redis.off('ready', ready);
      redis.off('close', dropped);
      redis.off('error', quiet);
      subscriber.disconnect();
    },
  };
}
