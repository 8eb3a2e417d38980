// The Redis coordinator in one process: its option checks (before it connects), and its
// connection's life against a real redis-server: connected, a lease held while polling,
// close() gives it up and closes only its own pub/sub connection.
import { InvalidArgumentError, TimeoutError } from '@mindzie/client';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as entry from '../redis.js';
import { eventually } from '../test-support.js';
import { createRedisCoordinator } from './coordinator.js';
import type { RedisCoordinatorOptions } from './options.js';
import { type RedisServer, startRedis } from './test-redis.mjs';

const ids = { tenantId: '10000000-0000-4000-8000-000000000001', projectId: '20000000-0000-4000-8000-000000000001' };
let server: RedisServer;
let redis: Redis;

beforeAll(async () => {
  server = await startRedis();
  redis = new Redis({ port: server.port, host: '127.0.0.1' });
}, 120_000);
afterAll(async () => {
  redis?.disconnect();
  await server?.close();
});

describe('createRedisCoordinator', () => {
  it('is all @mindzie/poller/redis exports', () => {
    expect(Object.keys(entry)).toEqual(['createRedisCoordinator']);
  });

  it.each([
    ['redis', { redis: {} }],
    ['tenantId', { tenantId: 'tenant' }],
    ['projectId', { projectId: undefined }],
    ['maxPerSecond', { maxPerSecond: 0 }],
    ['leaseMs', { leaseMs: 10 }],
    ['onFallback', { onFallback: 'log' }],
  ])('names a bad %s before it connects', (argument, bad) => {
    const options = { redis, ...ids, maxPerSecond: 10, ...bad } as unknown as RedisCoordinatorOptions;
    const error = (() => {
      try {
        createRedisCoordinator(options);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({ argument });
  });

  it('checks commandTimeoutMs against leaseMs, naming both; defaults it to a third of a short lease', async () => {
    const error = (() => {
      try {
        createRedisCoordinator({ redis, ...ids, maxPerSecond: 10, leaseMs: 3_000, commandTimeoutMs: 1_500 });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({ argument: 'commandTimeoutMs' });
    expect((error as Error).message).toMatch(/commandTimeoutMs \(1500\).*leaseMs \(3000\)/);
    const short = createRedisCoordinator({ redis, ...ids, maxPerSecond: 10, leaseMs: 300 }); // 100 ms commands
    await short.close();
  });

  it("never waits for the shared budget past a check's time: the latest status, or a transient timeout", async () => {
    const coordinator = createRedisCoordinator({ redis, ...ids, maxPerSecond: 1 }); // one request a second
    await eventually(() => coordinator.connected, 10_000);
    const known = coordinator.join('action:e0000000-0000-4000-8000-000000000002', { receive() {} })!;
    const unknown = coordinator.join('action:e0000000-0000-4000-8000-000000000003', { receive() {} })!;
    const context = (timeoutMs: number) => ({ signal: new AbortController().signal, timeoutMs, attempt: 1 });
    let requests = 0;
    const source = (status: string) => ({
      check: async () => {
        requests += 1;
        return { status };
      },
    });
    // Early in a second, so the next second (the next slot) is far past these checks' time.
    await eventually(() => Date.now() % 1_000 < 200, 2_000);
    await expect(known.check(source('Running'), context(5_000))).resolves.toEqual({ status: 'Running' });
    await expect(known.check(source('Completed'), context(100))).resolves.toEqual({ status: 'Running' });
    const error = await unknown.check(source('Running'), context(100)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(requests).toBe(1);
    await coordinator.close();
  });

  it('holds a lease while it polls, and close() gives it up and closes only its own connection', async () => {
    const coordinator = createRedisCoordinator({ redis, ...ids, maxPerSecond: 10, leaseMs: 2_000 });
    await eventually(() => coordinator.connected, 10_000);
    const poll = coordinator.join('action:e0000000-0000-4000-8000-000000000001', { receive() {} })!;
    const answer = { status: 'Running' };
    const controller = new AbortController();
    await expect(
      poll.check({ check: async () => answer }, { signal: controller.signal, timeoutMs: 1_000, attempt: 1 }),
    ).resolves.toBe(answer);
    const lease = `mindzie:poller:${ids.tenantId}:${ids.projectId}:lease:action:e0000000-0000-4000-8000-000000000001`;
    expect(await redis.pttl(lease)).toBeGreaterThan(0);
    await coordinator.close();
    expect(await redis.exists(lease)).toBe(0);
    expect(coordinator.connected).toBe(false);
    expect(redis.status).toBe('ready'); // the caller's client stays open
  });
});
