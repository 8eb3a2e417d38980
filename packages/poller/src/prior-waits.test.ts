// Waits placed by how long the action usually takes, against the real sandbox (time scale 1:
// the histories' run times are real ms). Bounds come from the schedule's own plan (each poll
// event's nextDelayMs), never from the wall clock: a late timer only makes checks fewer.
import { createClient, type MindzieClient } from '@mindzie/client';
import { type Fixture, type Sandbox, startSandbox } from '@mindzie/sandbox';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PollEvent } from './options.js';
import { readResumeToken } from './resume.js';
import { runAction } from './run-action.js';
import { resumeWait, waitForActionExecution } from './waits.js';

const guid = (kind: string, i: number) => `${kind}0000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
const DAY = 86_400_000;

/** An action whose past `runs` took the given ms; its next run takes `durationMs`. */
function action(i: number, durationMs: number, runs: number[]) {
  const start = Date.parse('2026-11-01T00:00:00Z');
  return {
    actionId: guid('a', i),
    name: `action ${i}`,
    outcome: 'Completed' as const,
    queuedMs: 0,
    durationMs,
    history: runs.map((ms, r) => ({
      actionExecutionId: guid(`e`, i * 100 + r + 1),
      dateStarted: new Date(start + r * DAY).toISOString(),
      durationMs: ms,
    })),
  };
}

const spread = (expected: number, share: number, n = 20) =>
  Array.from({ length: n }, (_, i) => Math.round(expected * (1 - share + (2 * share * i) / (n - 1))));

const actions = {
  stable: action(1, 2_000, spread(2_000, 0.1)),
  twoModes: action(2, 600, [...Array(10).fill(600), ...Array(10).fill(3_000)]),
  twoModesLong: action(3, 3_000, [...Array(10).fill(600), ...Array(10).fill(3_000)]),
  noHistory: action(4, 500, []),
  farLonger: action(5, 2_500, spread(500, 0.1)),
};
const fixture: Fixture = {
  tenants: [
    {
      tenantId: guid('1', 1),
      tokens: ['prior-token'],
      projects: [{ projectId: guid('2', 1), actions: Object.values(actions), blocks: [] }],
    },
  ],
};

let sandbox: Sandbox;
const newClient = (): MindzieClient => {
  const { baseUrl, token, tenantId, projectId } = sandbox;
  return createClient({ baseUrl, token, tenantId, projectId });
};
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, timeScale: 1, fixture });
});
afterAll(() => sandbox?.close());
beforeEach(() => sandbox.admin.reset());

const historyReads = () => sandbox.admin.requests({ operationId: 'listActionExecutions' }).length;
const statusChecks = () => sandbox.admin.requests({ operationId: 'getActionExecution' }).length;
const base = { jitter: 'none' } as const;

/** Runs the action once (a fresh client: nothing cached), collecting the poll events. */
async function run(actionId: string, options: object = {}) {
  const events: PollEvent<{ status: string }>[] = [];
  const { execution } = await runAction(newClient(), actionId, { ...base, ...options, onPoll: (e) => events.push(e) });
  return { execution, events, running: events.filter((e) => e.value?.status !== 'Completed') };
}

describe('a wait with a duration prior', () => {
  it('checks a 2-s run with a stable history at most twice, the check after its end planned within 0.4 s', async () => {
    const { execution, events, running } = await run(actions.stable.actionId);
    expect(execution.status).toBe('Completed');
    expect(events.every((e) => e.prior?.runs === 20 && e.prior.expectedMs === 2_000)).toBe(true);
    // On time: one check where 8 % of the runs have ended (1.83 s), one at 2.23 s; a late timer only
    // skips checks, never adds one (each next check is placed later the later the last one was).
    expect(statusChecks()).toBeLessThanOrEqual(2);
    for (const e of running) {
      expect(e.nextDelayMs).toBeLessThanOrEqual(400); // the floor: a fifth of a 2-s run
    }
    expect(historyReads()).toBe(1); // the read before execute, which the prior came from
  });

  it('notices a run of the short mode of two at the first check, one of the long mode by the third', async () => {
    await run(actions.twoModes.actionId);
    expect(statusChecks()).toBe(1); // placed at 600 ms: where half the runs end
    sandbox.admin.reset();
    const { events } = await run(actions.twoModesLong.actionId);
    expect(statusChecks()).toBeLessThanOrEqual(3); // 600 ms, 2.28 s, 3 s
    expect(events[0]?.prior).toEqual({ expectedMs: 1_800, runs: 20 });
    expect(historyReads()).toBe(1); // the read before execute: the wait needs no other
  });

  it('keeps the elapsed-time schedule for an action without history', async () => {
    const { execution, events } = await run(actions.noHistory.actionId);
    expect(execution.status).toBe('Completed');
    expect(events.every((e) => e.prior === undefined)).toBe(true);
    expect(historyReads()).toBe(1);
  });

  it('falls back to max(initial, 20 % of the time waited) once a run outlives its history', async () => {
    const client = newClient();
    const { actionExecutionId } = await client.executeAction(actions.farLonger.actionId);
    const events: PollEvent<{ status: string }>[] = [];
    const options = { ...base, initialDelayMs: 100, onPoll: (e: PollEvent<{ status: string }>) => events.push(e) };
    const done = await waitForActionExecution(client, actionExecutionId, options);
    expect(done.status).toBe('Completed');
    const past = events.filter((e) => e.value?.status === 'Running' && e.elapsedMs >= 550);
    expect(past.length).toBeGreaterThan(0);
    for (const e of past) {
      // The wait's schedule and its subscriber start in the same tick (1 ms apart at most).
      expect(e.nextDelayMs).toBeLessThanOrEqual(Math.max(100, 0.2 * (e.elapsedMs + 1 + 100)) + 1);
    }
  });

  it('reads an action history once per client within the cache time, never with prior: false', async () => {
    const client = newClient();
    const ids = await Promise.all([1, 2].map(() => client.executeAction(actions.twoModes.actionId)));
    await Promise.all(ids.map((e) => waitForActionExecution(client, e.actionExecutionId, base)));
    // Without reconciling, runAction reads nothing before execute: its wait finds the prior cached.
    const alone = { ...base, reconcile: false };
    await runAction(client, actions.twoModes.actionId, alone);
    expect(historyReads()).toBe(1);
    await runAction(newClient(), actions.twoModes.actionId, { ...alone, prior: false });
    const given = await run(actions.twoModes.actionId, { ...alone, expectedDurationMs: 600 });
    expect(given.events[0]?.prior).toEqual({ expectedMs: 600, runs: 0 });
    expect(historyReads()).toBe(1);
  });

  it('carries its prior in the resume token: a resumed wait keeps its schedule without reading again', async () => {
    const client = newClient();
    const { actionExecutionId } = await client.executeAction(actions.twoModesLong.actionId);
    const stop = new AbortController();
    let token: string | undefined;
    const first = waitForActionExecution(client, actionExecutionId, {
      ...base,
      signal: stop.signal,
      onPoll: (e) => {
        if (e.prior) {
          token = e.resumeToken;
          stop.abort(new Error('moved to another process'));
        }
      },
    });
    await expect(first).rejects.toThrow('moved to another process');
    const carried = readResumeToken(token);
    expect(carried.prior).toMatchObject({ runs: 20 });
    const reads = historyReads();
    const events: PollEvent<unknown>[] = [];
    await resumeWait(newClient(), token!, { onPoll: (e) => events.push(e) });
    expect(historyReads()).toBe(reads);
    expect(events[0]?.prior).toEqual({ expectedMs: 1_800, runs: 20 });
    expect(readResumeToken(events[0]!.resumeToken).prior).toEqual(carried.prior);
  });
});
