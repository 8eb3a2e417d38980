// A fleet of real processes waiting together through a real redis-server, against the
// sandbox: one poller per execution at a time (read from each process's own requests and
// checked against the sandbox's request log), the shared budget, a leader killed with
// SIGKILL, Redis stopped mid-wait and unreachable from the start, and nothing left behind.
import { createClient, type MindzieClient } from '@mindzie/client';
import type { Sandbox } from '@mindzie/sandbox';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../test-support.js';
import {
  ACTIONS,
  fleetSandbox,
  handovers,
  pollersOf,
  startWorker,
  stopWorkers,
  takesTurns,
  type Worker,
  type WorkerEvent,
} from './fleet-support.js';
import { freePort, type RedisServer, startRedis } from './test-redis.mjs';

let sandbox: Sandbox;
let redis: RedisServer;
let client: MindzieClient;
let api: { baseUrl: string; token: string; tenantId: string; projectId: string };
const workers: Worker[] = [];

const LEASE_MS = 3_000;
const wait = { initialDelayMs: 100, factor: 1.5, maxDelayMs: 400, timeoutMs: 40_000 };
const fleet = { maxPerSecond: 8, fallbackPerSecond: 4, leaseMs: LEASE_MS, commandTimeoutMs: 500 };
const prefix = 'mindzie:poller:10000000-0000-4000-8000-000000000001:20000000-0000-4000-8000-000000000001:';

beforeAll(async () => {
  [sandbox, redis] = await Promise.all([fleetSandbox(8_000), startRedis()]);
  api = { baseUrl: sandbox.baseUrl, token: sandbox.token, tenantId: sandbox.tenantId, projectId: sandbox.projectId };
  client = createClient(api);
}, 120_000);
afterEach(async () => {
  await stopWorkers(workers.splice(0));
  sandbox.admin.reset();
});
afterAll(async () => {
  await Promise.all([sandbox?.close(), redis?.close()]);
});

function worker(name: string, config: Record<string, unknown>): Worker {
  const w = startWorker({ name, api, wait, fleet, ...config });
  workers.push(w);
  return w;
}

/** Starts the workers, and the executions once every worker is ready (so none starts late on a busy machine). */
async function ready(...started: Worker[]): Promise<Worker[]> {
  await Promise.all(started.map((w) => w.ready));
  return started;
}

async function execute(action: string, count: number): Promise<string[]> {
  const started = await Promise.all(Array.from({ length: count }, () => client.executeAction(action)));
  return started.map((e) => e.actionExecutionId);
}

const resultsOf = (w: Worker) =>
  w.events.filter((e): e is Extract<WorkerEvent, { type: 'result' }> => e.type === 'result');
const eventsOf = (w: Worker, type: WorkerEvent['type']) => w.events.filter((e) => e.type === type);

async function keysLeft(): Promise<string[]> {
  const probe = new Redis({ port: redis.port, host: '127.0.0.1' });
  try {
    return await probe.keys('mindzie:poller:*');
  } finally {
    probe.disconnect();
  }
}

describe('a fleet of processes through Redis', () => {
  it('polls each execution from one process at a time, within the shared budget; all waits end right', async () => {
    // Redis is up throughout, so no fallback is expected: a generous command limit, since a Redis
    // command took over 500 ms on a machine at load 15 and counted as an outage.
    const patient = { ...fleet, commandTimeoutMs: 5_000 };
    const fleetOf3 = await ready(
      ...['w0', 'w1', 'w2'].map((name) => worker(name, { redisPort: redis.port, fleet: patient })),
    );
    const ids = [...(await execute(ACTIONS.slow, 4)), ...(await execute(ACTIONS.fails, 2))];
    const overlapping = (i: number) => [0, 1, 2, 3].map((k) => ({ executionId: ids[(i + k) % ids.length]! }));
    fleetOf3[0]!.begin([...overlapping(0), { executionId: ids[0]!, timeoutMs: 800 }]);
    fleetOf3[1]!.begin([...overlapping(1), { executionId: ids[1]!, abortAfterMs: 600 }]);
    fleetOf3[2]!.begin(overlapping(2));
    await eventually(() => ids.every((id) => pollersOf(fleetOf3, id).length > 0), 20_000);
    const keys = await keysLeft();
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.every((key) => key.startsWith(prefix))).toBe(true); // namespaced by tenant and project
    await Promise.all(fleetOf3.map((w) => w.done));

    for (const w of fleetOf3) {
      for (const r of resultsOf(w)) {
        const failing = ids.indexOf(r.executionId) >= 4;
        if (r.error === 'WaitTimeoutError' || r.error === 'AbortedByTest') {
          continue; // checked below
        }
        expect(r, `${w.name} ${r.executionId}`).toMatchObject(
          failing ? { error: 'ExecutionFailedError', status: 'Failed' } : { status: 'Completed' },
        );
      }
      expect(eventsOf(w, 'fallback')).toHaveLength(0);
    }
    // Each process's own short deadline and abort ended its own wait only.
    expect(
      resultsOf(fleetOf3[0]!).filter((r) => r.error === 'WaitTimeoutError'),
      JSON.stringify(resultsOf(fleetOf3[0]!)),
    ).toHaveLength(1);
    expect(resultsOf(fleetOf3[1]!).filter((r) => r.error === 'AbortedByTest')).toHaveLength(1);
    expect(resultsOf(fleetOf3[0]!)).toHaveLength(5);
    expect(resultsOf(fleetOf3[1]!)).toHaveLength(5);

    for (const id of ids) {
      const pollers = pollersOf(fleetOf3, id);
      const logged = sandbox.admin
        .requests({ operationId: 'getActionExecution' })
        .filter((r) => r.path.endsWith(`/${id}`));
      expect(logged).toHaveLength(pollers.length); // every request the sandbox saw is one a worker reported
      expect(pollers.length).toBeGreaterThan(0);
      // One at a time: a process that polled it never polls it again after another did (a
      // handover is allowed: a process stalled past its lease on a busy machine loses it).
      expect(takesTurns(pollers), `pollers of ${id}: ${pollers.map((p) => p.name).join(' ')}`).toBe(true);
    }
    // The shared budget (8 a second for the whole fleet; the waits alone would send ~15): a
    // request granted late in a second may leave early in the next one on a busy machine, so
    // any run of seconds holds at most one second's worth more than the budget: the whole run
    // too (it is one more span), so the total allows that one second as well.
    const sent = (fleetOf3.flatMap((w) => eventsOf(w, 'request')) as Array<{ at: number }>).map((e) =>
      Math.floor(e.at / 1000),
    );
    const first = Math.min(...sent);
    const last = Math.max(...sent);
    for (let from = first; from <= last; from++) {
      for (const span of [2, 4]) {
        const inSpan = sent.filter((second) => second >= from && second < from + span).length;
        expect(inSpan, `${span} s from ${from - first}`).toBeLessThanOrEqual((span + 1) * fleet.maxPerSecond);
      }
    }
    expect(sent.length).toBeLessThanOrEqual((last - first + 2) * fleet.maxPerSecond);
    // Nothing left behind once the last wait is over: leases are deleted, the rest expires.
    const until = Date.now() + 4 * LEASE_MS + 5_000;
    let left = await keysLeft();
    while (left.length > 0 && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 200));
      left = await keysLeft();
    }
    expect(left).toEqual([]);
  }, 90_000);

  it('hands the poll over when the process polling it is killed (SIGKILL), before the waits run out', async () => {
    const fleetOf3 = await ready(...['k0', 'k1', 'k2'].map((name) => worker(name, { redisPort: redis.port })));
    const [id] = await execute(ACTIONS.slow, 1);
    for (const w of fleetOf3) {
      w.begin([{ executionId: id! }]);
    }
    await eventually(() => pollersOf(fleetOf3, id!).length >= 2, 20_000);
    const leaderName = pollersOf(fleetOf3, id!)[0]!.name;
    const leader = fleetOf3.find((w) => w.name === leaderName)!;
    leader.child.kill('SIGKILL');
    const killedAt = Date.now();
    const survivors = fleetOf3.filter((w) => w !== leader);
    await Promise.all(survivors.map((w) => w.done));

    const pollers = pollersOf(fleetOf3, id!);
    const takeover = pollers.find((p) => p.name !== leaderName);
    expect(takeover, 'another process polled after the kill').toBeDefined();
    // Lease expiry (1 s) plus at most one follower window and one schedule step; generous for a busy machine.
    expect(takeover!.at - killedAt).toBeLessThan(2 * LEASE_MS + wait.maxDelayMs + 5_000);
    expect(handovers(pollers)).toBeGreaterThanOrEqual(1);
    expect(takesTurns(pollers), pollers.map((p) => p.name).join(' ')).toBe(true);
    for (const w of survivors) {
      expect(resultsOf(w)).toEqual([expect.objectContaining({ executionId: id, status: 'Completed' })]);
    }
  }, 90_000);

  it('polls locally while Redis is away (at start or mid-wait), says so once, and rejoins', async () => {
    const nowhere = await freePort(); // nothing listens there: Redis unreachable from the start
    const fleetOf3 = await ready(
      worker('r0', { redisPort: redis.port }),
      worker('r1', { redisPort: redis.port }),
      worker('r2', { redisPort: nowhere }),
    );
    const ids = [...(await execute(ACTIONS.slow, 2)), ...(await execute(ACTIONS.fails, 1))];
    for (const w of fleetOf3) {
      w.begin(ids.map((executionId) => ({ executionId })));
    }
    await eventually(() => ids.every((id) => pollersOf(fleetOf3.slice(0, 2), id).length > 0), 20_000);
    await redis.stop();
    const stoppedAt = Date.now();
    await eventually(
      () => eventsOf(fleetOf3[0]!, 'fallback').length > 0 && eventsOf(fleetOf3[1]!, 'fallback').length > 0,
      10_000,
    );
    await new Promise((r) => setTimeout(r, 1_000));
    await redis.start();
    const restartedAt = Date.now();
    await Promise.all(fleetOf3.map((w) => w.done));

    for (const w of fleetOf3) {
      const byId = new Map(resultsOf(w).map((r) => [r.executionId, r.status]));
      expect(ids.map((id) => byId.get(id))).toEqual(['Completed', 'Completed', 'Failed']);
      expect(eventsOf(w, 'fallback'), `${w.name} says it once`).toHaveLength(1);
    }
    // Both Redis workers polled on their own while it was away.
    for (const w of fleetOf3.slice(0, 2)) {
      const during = (eventsOf(w, 'request') as Array<{ at: number }>).filter(
        (e) => e.at > stoppedAt + 600 && e.at < restartedAt,
      );
      expect(during.length, `${w.name} polled locally`).toBeGreaterThan(0);
    }
    expect(eventsOf(fleetOf3[2]!, 'rejoin')).toHaveLength(0);
    // Rejoined when Redis came back (if still waiting then): at most once each.
    for (const w of fleetOf3.slice(0, 2)) {
      expect(eventsOf(w, 'rejoin').length).toBeLessThanOrEqual(1);
    }
    expect(fleetOf3.slice(0, 2).some((w) => eventsOf(w, 'rejoin').length === 1)).toBe(true);
  }, 90_000);
});
