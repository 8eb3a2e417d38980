// A fleet shares one duration prior: two coordinators on one real redis-server, each with its own
// client (a process's cache is per client), ask for the same action's prior: its history is read
// once for both.
import { createClient, type MindzieClient } from '@mindzie/client';
import { type Fixture, type Sandbox, startSandbox } from '@mindzie/sandbox';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PollEvent } from '../options.js';
import { priorOf } from '../priors.js';
import { waitForActionExecution } from '../waits.js';
import { createRedisCoordinator } from './coordinator.js';
import { type RedisServer, startRedis } from './test-redis.mjs';

const guid = (kind: string, i: number) => `${kind}0000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
const actionId = guid('a', 1);
const fixture: Fixture = {
  tenants: [
    {
      tenantId: guid('1', 1),
      tokens: ['fleet-token'],
      projects: [
        {
          projectId: guid('2', 1),
          blocks: [],
          actions: [
            {
              actionId,
              name: 'nightly import',
              outcome: 'Completed',
              queuedMs: 0,
              durationMs: 300,
              history: Array.from({ length: 5 }, (_, i) => ({
                actionExecutionId: guid('e', i + 1),
                dateStarted: `2026-11-0${i + 1}T00:00:00Z`,
                durationMs: 290 + 5 * i,
              })),
            },
          ],
        },
      ],
    },
  ],
};

let server: RedisServer;
let sandbox: Sandbox;
const connections: Redis[] = [];
const fallbacks: Error[] = [];
beforeAll(async () => {
  [server, sandbox] = await Promise.all([startRedis(), startSandbox({ port: 0, timeScale: 1, fixture })]);
}, 120_000);
afterAll(async () => {
  for (const redis of connections) {
    redis.disconnect();
  }
  await Promise.all([server?.close(), sandbox?.close()]);
});

/** One process of the fleet: its own client and its own coordinator (own Redis connection). */
function member(): { client: MindzieClient; coordinator: ReturnType<typeof createRedisCoordinator> } {
  const redis = new Redis({ port: server.port, host: '127.0.0.1' });
  connections.push(redis);
  const { baseUrl, token, tenantId, projectId } = sandbox;
  const coordinator = createRedisCoordinator({
    redis,
    tenantId,
    projectId,
    maxPerSecond: 50,
    leaseMs: 15_000,
    commandTimeoutMs: 5_000,
    onFallback: (error) => fallbacks.push(error),
  });
  return { client: createClient({ baseUrl, token, tenantId, projectId }), coordinator };
}

describe('a fleet of two processes', () => {
  it('reads an action history once and shares the prior through Redis', async () => {
    const [first, second] = [member(), member()];
    try {
      // Used at once, before their connections are ready: a coordinator that is still starting waits for them
      // (up to commandTimeoutMs), it does not take the start for an outage and read the history locally.
      // What each process's waits ask for when an answer names the action (waits.ts).
      const one = await priorOf(first.client, actionId, first.coordinator);
      const other = await priorOf(second.client, actionId, second.coordinator);
      expect(one).toEqual({ durationsMs: [290, 295, 300, 305, 310], runs: 5 });
      expect(other).toEqual(one);
      expect(sandbox.admin.requests({ operationId: 'listActionExecutions' })).toHaveLength(1);
      expect(fallbacks).toEqual([]);
      // And a wait in the second process places its checks by it: every event after the first says so.
      const { actionExecutionId } = await second.client.executeAction(actionId);
      const events: PollEvent<unknown>[] = [];
      await waitForActionExecution(second.client, actionExecutionId, {
        coordinator: second.coordinator,
        onPoll: (e) => events.push(e),
      });
      for (const e of events.slice(1)) {
        expect(e.prior).toEqual({ expectedMs: 300, runs: 5 });
      }
      expect(sandbox.admin.requests({ operationId: 'listActionExecutions' })).toHaveLength(1);
    } finally {
      await Promise.all([first.coordinator.close(), second.coordinator.close()]);
    }
  });
});
