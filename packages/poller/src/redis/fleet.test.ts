// A fleet of real processes waiting together through a real redis-server, against the
// sandbox: one poller per execution at a time (read from each process's own requests and
// checked against the sandbox's request log), the shared budget, a leader killed with
// SIGKILL or frozen (SIGSTOP) and resumed, a wait that leaves while its claim is held up in
// Redis (CLIENT PAUSE), Redis frozen, killed and restarted mid-wait or unreachable from the
// start, with ioredis 5 and 6, and nothing left behind.
import { createClient, type MindzieClient } from '@mindzie/client';
import type { Sandbox } from '@mindzie/sandbox';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../test-support.js';
import {
  ACTIONS,
  fleetSandbox,
  handovers,
  LONG_MS,
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
const fleet = { maxPerSecond: 8, fallbackPerSecond: 4, leaseMs: LEASE_MS, commandTimeoutMs: 1_000 };
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

/** Like `eventually`, for a condition that asks Redis. */
async function untilTrue(condition: () => Promise<boolean>, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > until) {
      throw new Error('condition still false');
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** No lease is left, and every other key expires within `withinMs`. */
async function expectNothingHeld(withinMs: number): Promise<void> {
  const probe = new Redis({ port: redis.port, host: '127.0.0.1' });
  try {
    const keys = await probe.keys('mindzie:poller:*');
    expect(keys.filter((key) => key.includes(':lease:'))).toEqual([]);
    // A duration prior is shared for PRIOR_CACHE_MS by design (priors.ts): it holds nothing.
    for (const key of keys.filter((k) => !k.includes(':prior:'))) {
      const ttl = await probe.pttl(key);
      expect(ttl === -2 || (ttl > 0 && ttl <= withinMs), `${key} expires (${ttl} ms)`).toBe(true);
    }
  } finally {
    probe.disconnect();
  }
}

/** Fallbacks and rejoins alternate, starting with a fallback; `connected` tells each request the state it was in. */
function expectTruthfulOutages(w: Worker): Array<{ type: string; at: number }> {
  let connected = true;
  const turns: Array<{ type: string; at: number }> = [];
  for (const event of w.events) {
    if (event.type === 'fallback' || event.type === 'rejoin') {
      expect(event.type, `${w.name}: ${turns.map((t) => t.type).join(' ')} then ${event.type}`).toBe(
        connected ? 'fallback' : 'rejoin',
      );
      connected = event.type === 'rejoin';
      expect(event.connected, `${w.name} connected in ${event.type}`).toBe(connected);
      turns.push({ type: event.type, at: event.at });
    } else if (event.type === 'request') {
      expect(event.connected, `${w.name}'s request at ${event.at}`).toBe(connected);
    }
  }
  return turns;
}

describe('a fleet of processes through Redis', () => {
  it('polls each execution from one process at a time, within the shared budget; all waits end right', async () => {
    // Redis is up throughout, so no fallback is expected: a generous command limit, since a Redis
    // command took over 500 ms on a machine at load 15 and counted as an outage (and a lease
    // three times as long, as the coordinator requires).
    const patient = { ...fleet, leaseMs: 15_000, commandTimeoutMs: 5_000 };
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
    // Nothing left behind once the last wait is over: leases are deleted, the rest expires
    // (statuses within three leases, budget slots within a second).
    await expectNothingHeld(3 * patient.leaseMs);
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

    // Polls through the fleet (a command slower than 1 s on a busy machine makes a process poll locally a moment).
    const pollers = pollersOf(fleetOf3, id!, true);
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

  // Every outage below is held until each process has seen it (an explicit signal, not a sleep),
  // so at load 30 too each one falls back during it and rejoins after it.
  it.each(['ioredis', 'ioredis6'])(
    'polls locally while Redis is frozen, killed and restarted, or away from the start; once per outage (%s)',
    async (ioredis) => {
      const outage = { ...fleet, leaseMs: 3_000, commandTimeoutMs: 1_000 };
      const nowhere = await freePort(); // nothing listens there: Redis unreachable from the start
      const fleetOf3 = await ready(
        worker('r0', { redisPort: redis.port, fleet: outage, ioredis }),
        worker('r1', { redisPort: redis.port, fleet: outage, ioredis }),
        worker('r2', { redisPort: nowhere, fleet: outage, ioredis }),
      );
      const [r0, r1] = fleetOf3 as [Worker, Worker, Worker];
      const ids = await execute(ACTIONS.long, 3);
      for (const w of fleetOf3) {
        w.begin(ids.map((executionId) => ({ executionId })));
      }
      await eventually(() => ids.every((id) => pollersOf([r0, r1], id).length > 0), 20_000);
      // Away or not, as each process last said (onFallback / onRejoin).
      const away = (w: Worker) =>
        w.events.filter((e) => e.type === 'fallback' || e.type === 'rejoin').at(-1)?.type === 'fallback';
      const both = (state: boolean) => () => [r0, r1].every((w) => away(w) === state);
      await eventually(both(false), 20_000);

      // Frozen (SIGSTOP): the connections stay open and nothing answers, for 3 s at least.
      redis.pause();
      const frozenAt = Date.now();
      await eventually(both(true), 20_000);
      await new Promise((r) => setTimeout(r, Math.max(0, frozenAt + 3_000 - Date.now())));
      redis.resume();
      await eventually(both(false), 20_000);
      // Killed, then restarted on the same port.
      await redis.stop();
      await eventually(both(true), 20_000);
      await redis.start();
      await eventually(both(false), 30_000);
      // Some polls in the fleet again after the rejoin, then the executions end.
      const rejoinedAt = Math.max(...[r0, r1].map((w) => (eventsOf(w, 'rejoin').at(-1) as { at: number }).at));
      await eventually(() => ids.every((id) => pollersOf([r0, r1], id).some((p) => p.at > rejoinedAt)), 20_000);
      sandbox.admin.advanceTime(LONG_MS);
      await Promise.all(fleetOf3.map((w) => w.done));

      for (const w of fleetOf3) {
        const byId = new Map(resultsOf(w).map((r) => [r.executionId, r.status]));
        expect(ids.map((id) => byId.get(id))).toEqual(['Completed', 'Completed', 'Completed']);
        // Made as the README shows (no 'error' listener of its own), the client printed nothing.
        expect(w.stderr.join('')).not.toContain('Unhandled error event');
      }
      for (const w of [r0, r1]) {
        const turns = expectTruthfulOutages(w);
        // Away in the freeze and back after it, the same for the kill (waited for above, on each
        // process's last word as it arrives), and never two fallbacks without a rejoin between:
        // one per outage (a command slower than 1 s on a busy machine is an outage of its own,
        // told the same way, so no figure is pinned on the times of the turns).
        expect(turns.length).toBeGreaterThanOrEqual(4);
        const local = (eventsOf(w, 'request') as Array<{ connected?: boolean }>).filter((e) => e.connected === false);
        expect(local.length, `${w.name} polled locally`).toBeGreaterThan(0);
      }
      // Unreachable from the start: one fallback, never a rejoin, every request local.
      expect(expectTruthfulOutages(fleetOf3[2]!).map((t) => t.type)).toEqual(['fallback']);
      await expectNothingHeld(3 * outage.leaseMs);
    },
    120_000,
  );

  it.each(['ioredis', 'ioredis6'])(
    'gives up at once a lease whose claim Redis answers after its wait left; another process takes it (%s)',
    async (ioredis) => {
      // A command limit well past what seeing the paused claim and aborting takes at load 30.
      const held = { ...fleet, leaseMs: 9_000, commandTimeoutMs: 3_000 };
      const [a, b] = (await ready(
        worker('a0', { redisPort: redis.port, fleet: held, ioredis, keepOpen: true }),
        worker('a1', { redisPort: redis.port, fleet: held, ioredis }),
      )) as [Worker, Worker];
      const [id] = (await execute(ACTIONS.long, 1)) as [string];
      const lease = `${prefix}lease:action:${id}`;
      const probe = new Redis({ port: redis.port, host: '127.0.0.1' });
      const ran = async (command: string) =>
        Number(new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(await probe.info('commandstats'))?.[1] ?? 0);
      try {
        // Writes wait in Redis: a0's claim (SET NX) reaches it and stays unanswered.
        await probe.call('CLIENT', 'PAUSE', '60000', 'WRITE');
        a.begin([{ executionId: id }]);
        await untilTrue(async () => /flags=b .*\bcmd=set\b/.test(String(await probe.call('CLIENT', 'LIST'))), 20_000);
        const setsBefore = await ran('set');
        a.abort(id);
        await a.done; // its wait is over; its coordinator stays open, as in a long-lived process
        await probe.call('CLIENT', 'UNPAUSE');
        // Redis runs a0's claim now, after its wait left, and the release a0 sends when it hears
        // the answer (renewed, the lease would stay as long as a0 runs).
        await untilTrue(async () => (await ran('set')) > setsBefore && (await probe.exists(lease)) === 0, 20_000);
        b.begin([{ executionId: id }]);
        await eventually(() => pollersOf([b], id).length > 0, 20_000);
        sandbox.admin.advanceTime(LONG_MS);
        await b.done;
        expect(resultsOf(a)).toEqual([expect.objectContaining({ executionId: id, error: 'AbortedByTest' })]);
        expect(resultsOf(b)).toEqual([expect.objectContaining({ executionId: id, status: 'Completed' })]);
        // a0 polled nothing through the fleet (had its claim outlasted 3 s, it would have polled locally once).
        expect(eventsOf(a, 'request').filter((e) => (e as { connected?: boolean }).connected !== false)).toEqual([]);
        const logged = sandbox.admin.requests({ operationId: 'getActionExecution' }).filter((r) => r.path.endsWith(id));
        expect(logged).toHaveLength(pollersOf([a, b], id).length);
        // a0 still runs with its coordinator open: it holds nothing.
        expect(a.child.exitCode).toBeNull();
        await expectNothingHeld(3 * held.leaseMs);
      } finally {
        await probe.call('CLIENT', 'UNPAUSE').catch(() => {});
        probe.disconnect();
      }
    },
    60_000,
  );

  it('a leader frozen (SIGSTOP) past its lease and resumed sends at most the poll it had decided', async () => {
    const frozen = { ...fleet, leaseMs: 2_000, commandTimeoutMs: 600 };
    const steady = { initialDelayMs: 500, factor: 1, maxDelayMs: 500, jitter: 'none', timeoutMs: 60_000 };
    const fleetOf2 = (await ready(
      ...['s0', 's1'].map((name) => worker(name, { redisPort: redis.port, fleet: frozen, wait: steady })),
    )) as [Worker, Worker];
    const ids = await execute(ACTIONS.long, 4);
    fleetOf2[0].begin(ids.map((executionId) => ({ executionId })));
    await eventually(() => ids.every((id) => pollersOf(fleetOf2, id).length > 0), 20_000);
    fleetOf2[1].begin(ids.map((executionId) => ({ executionId }))); // s0 leads them all
    await eventually(() => pollersOf(fleetOf2, ids[0]!).length >= 3, 20_000);
    const [leader, other] = fleetOf2;
    leader.child.kill('SIGSTOP');
    const frozenAt = Date.now();
    // Frozen until the other process has taken every execution over (explicit: its own polls).
    await eventually(() => ids.every((id) => pollersOf([other], id).some((p) => p.at > frozenAt)), 30_000);
    leader.child.kill('SIGCONT');
    const resumedAt = Date.now();
    // Long enough after the resume for the leader to have polled on its old leases: the other
    // process polls each execution twice more (its steps are 500 ms).
    await eventually(
      () => ids.every((id) => pollersOf([other], id).filter((p) => p.at > resumedAt).length >= 2),
      20_000,
    );
    const endedAt = Date.now();
    sandbox.admin.advanceTime(LONG_MS);
    await Promise.all(fleetOf2.map((w) => w.done));

    // A process that fell back (a command slower than 600 ms on a busy machine) gives up its
    // leases; after that the resumed leader may rightly claim one again.
    const fellBackAt = Math.min(
      ...fleetOf2.flatMap((w) => eventsOf(w, 'fallback').map((e) => (e as { at: number }).at)),
    );
    for (const id of ids) {
      const pollers = pollersOf(fleetOf2, id);
      const stale = pollers.filter(
        (p) => p.name === leader.name && p.at > frozenAt && p.at < Math.min(endedAt, fellBackAt),
      );
      // At most the one poll it had already decided (past its lease check) when it froze; none after.
      expect(
        stale.length,
        `${id}: ${pollers.map((p) => `${p.name}@${p.at - frozenAt}`).join(' ')}`,
      ).toBeLessThanOrEqual(1);
      const logged = sandbox.admin.requests({ operationId: 'getActionExecution' }).filter((r) => r.path.endsWith(id));
      expect(logged).toHaveLength(pollers.length);
    }
    for (const w of fleetOf2) {
      expect(resultsOf(w).map((r) => r.status)).toEqual(['Completed', 'Completed', 'Completed', 'Completed']);
    }
  }, 90_000);
});
