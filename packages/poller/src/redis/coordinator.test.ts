// The Redis coordinator in one process: its option checks (before it connects), and its
// connection's life against a real redis-server: connected, a lease held while polling,
// close() gives it up and closes only its own pub/sub connection, and a claim that timed out
// while Redis held it (CLIENT PAUSE) leaves no lease once Redis runs it.
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

async function untilTrue(condition: () => Promise<boolean>, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > until) {
      throw new Error('condition still false');
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * An execution joined on `coordinator`, and a second connection (`probe`) to hold its claim with CLIENT PAUSE;
 * `lateClaimReleased` resolves once Redis has run a SET since then and the lease is gone again.
 */
async function pausedClaimOf(coordinator: ReturnType<typeof createRedisCoordinator>, executionId: string) {
  const key = `action:${executionId}`;
  const lease = `mindzie:poller:${ids.tenantId}:${ids.projectId}:lease:${key}`;
  const poll = coordinator.join(key, { receive() {} })!;
  const probe = new Redis({ port: server.port, host: '127.0.0.1' });
  const setsRun = async () => Number(/cmdstat_set:calls=(\d+)/.exec(await probe.info('commandstats'))?.[1] ?? 0);
  const before = await setsRun();
  const lateClaimReleased = () =>
    untilTrue(async () => (await setsRun()) > before && (await probe.exists(lease)) === 0, 10_000);
  return { poll, probe, lateClaimReleased };
}

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

  it('releases what a timed-out claim took (a late SET NX is deleted behind it); one fallback and rejoin', async () => {
    const fallbacks: Error[] = [];
    let rejoins = 0;
    const coordinator = createRedisCoordinator({
      redis,
      ...ids,
      maxPerSecond: 10,
      leaseMs: 30_000, // it would outlive the test: only the release can remove it
      commandTimeoutMs: 300,
      onFallback: (error) => fallbacks.push(error),
      onRejoin: () => rejoins++,
    });
    await eventually(() => coordinator.connected, 10_000);
    const { poll, probe, lateClaimReleased } = await pausedClaimOf(coordinator, 'e0000000-0000-4000-8000-000000000004');
    let local = 0;
    const source = { check: async () => ({ status: 'Running', local: ++local }) };
    const context = () => ({ signal: new AbortController().signal, timeoutMs: 5_000, attempt: 1 });
    await probe.call('CLIENT', 'PAUSE', '60000', 'WRITE'); // the claim reaches Redis and waits there
    try {
      await expect(poll.check(source, context())).resolves.toEqual({ status: 'Running', local: 1 });
      expect(fallbacks).toHaveLength(1); // the claim timed out: polled locally
      expect(coordinator.connected).toBe(false);
    } finally {
      await probe.call('CLIENT', 'UNPAUSE');
    }
    await lateClaimReleased(); // Redis now runs the late SET NX, then the release the coordinator sent behind it
    // The next check asks whether Redis is back (it still polls locally), and the answer rejoins.
    await expect(poll.check(source, context())).resolves.toEqual({ status: 'Running', local: 2 });
    await eventually(() => rejoins === 1, 10_000);
    expect(coordinator.connected).toBe(true);
    expect(fallbacks).toHaveLength(1);
    probe.disconnect();
    await coordinator.close();
  });

  it('gives up at once a lease whose claim Redis answers after close()', async () => {
    const coordinator = createRedisCoordinator({ redis, ...ids, maxPerSecond: 10, leaseMs: 30_000 });
    await eventually(() => coordinator.connected, 10_000);
    const { poll, probe, lateClaimReleased } = await pausedClaimOf(coordinator, 'e0000000-0000-4000-8000-000000000005');
    const controller = new AbortController();
    await probe.call('CLIENT', 'PAUSE', '60000', 'WRITE');
    try {
      const checking = poll.check(
        { check: async () => ({}) },
        { signal: controller.signal, timeoutMs: 5_000, attempt: 1 },
      );
      checking.catch(() => {});
      await untilTrue(async () => /flags=b .*\bcmd=set\b/.test(String(await probe.call('CLIENT', 'LIST'))), 10_000);
      await coordinator.close(); // the claim is still on its way
      controller.abort();
    } finally {
      await probe.call('CLIENT', 'UNPAUSE');
    }
    // Redis runs the SET NX now, then the release sent when its answer came (30 s lease: no expiry here).
    await lateClaimReleased();
    probe.disconnect();
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
