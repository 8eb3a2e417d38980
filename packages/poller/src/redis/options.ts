// The Redis coordinator's options, their defaults and the checks that run before it connects.
import { InvalidArgumentError } from '@mindzie/client';
import type { Redis } from 'ioredis';
import type { Coordinator } from '../coordinator.js';
import { GUID } from '../internal.js';

export interface RedisCoordinatorOptions {
  /** An ioredis client; the coordinator also opens one duplicate of it for pub/sub (closed by `close()`). */
  redis: Redis;
  /** The tenant and project whose executions are waited for: every key is namespaced by them. */
  tenantId: string;
  projectId: string;
  /** Status requests per second for the whole fleet (the tenant's budget). */
  maxPerSecond: number;
  /** Status requests in flight at once in this process (default 8). */
  maxConcurrent?: number;
  /** Status requests per second this process allows itself while Redis is away (default maxPerSecond / 4). */
  fallbackPerSecond?: number;
  /** How long a poll stays claimed without renewal (default 5 000 ms); renewed every third of it. */
  leaseMs?: number;
  /**
   * A Redis command slower than this counts as Redis away (default 1 000 ms, or a third of
   * `leaseMs` when that is less); at most a third of `leaseMs`, so a renewal answers before its lease lapses.
   */
  commandTimeoutMs?: number;
  /** Redis became unreachable and waits poll locally: called once per outage (default: one console.warn). */
  onFallback?: (error: Error) => void;
  /** Redis answers again (any command after an outage) and waits share their polls again: once per outage. */
  onRejoin?: () => void;
}

/** Pass it as `coordinator` to any number of waits; `close()` it when the process is done waiting. */
export interface RedisCoordinator extends Coordinator {
  /** False exactly while Redis is away: waits then poll locally within `fallbackPerSecond`. */
  readonly connected: boolean;
  /** Gives up this process's polls (another process takes them over) and closes the pub/sub connection, not `redis`. */
  close(): Promise<void>;
}

export type ResolvedOptions = Required<Omit<RedisCoordinatorOptions, 'onRejoin'>> &
  Pick<RedisCoordinatorOptions, 'onRejoin'>;

export function resolveOptions(options: RedisCoordinatorOptions): ResolvedOptions {
  if (options === null || typeof options !== 'object') {
    throw new InvalidArgumentError('options', 'options must be an object');
  }
  const { redis, tenantId, projectId, maxPerSecond } = options;
  if (typeof redis?.duplicate !== 'function' || typeof redis.publish !== 'function' || typeof redis.on !== 'function') {
    throw new InvalidArgumentError('redis', 'redis must be an ioredis client (new Redis(…))');
  }
  for (const [name, id] of [
    ['tenantId', tenantId],
    ['projectId', projectId],
  ] as const) {
    if (typeof id !== 'string' || !GUID.test(id)) {
      throw new InvalidArgumentError(name, `${name} must be a GUID`);
    }
  }
  const perSecond = count('maxPerSecond', maxPerSecond, undefined);
  const leaseMs = count('leaseMs', options.leaseMs, 5_000, 100);
  const commandTimeoutMs = count(
    'commandTimeoutMs',
    options.commandTimeoutMs,
    Math.min(1_000, Math.floor(leaseMs / 3)),
  );
  if (commandTimeoutMs > leaseMs / 3) {
    throw new InvalidArgumentError(
      'commandTimeoutMs',
      `commandTimeoutMs (${commandTimeoutMs}) must be at most a third of leaseMs (${leaseMs}): ` +
        'a lease renewed every third of leaseMs must be answered before it lapses',
    );
  }
  return {
    redis,
    tenantId: tenantId.toLowerCase(),
    projectId: projectId.toLowerCase(),
    maxPerSecond: perSecond,
    maxConcurrent: count('maxConcurrent', options.maxConcurrent, 8),
    fallbackPerSecond: count('fallbackPerSecond', options.fallbackPerSecond, Math.max(1, Math.floor(perSecond / 4))),
    leaseMs,
    commandTimeoutMs,
    onFallback: callback('onFallback', options.onFallback) ?? warnOnce,
    onRejoin: callback('onRejoin', options.onRejoin),
  };
}

function count(name: string, value: unknown, fallback: number | undefined, min = 1): number {
  const n = value ?? fallback;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > 2_147_483_647) {
    throw new InvalidArgumentError(name, `${name} must be an integer of at least ${min}`);
  }
  return n;
}

function callback<F>(name: string, value: F | undefined): F | undefined {
  if (value !== undefined && typeof value !== 'function') {
    throw new InvalidArgumentError(name, `${name} must be a function`);
  }
  return value;
}

function warnOnce(error: Error): void {
  console.warn(`@mindzie/poller/redis: Redis is away (${error.message}); waits poll locally until it is back`);
}
