// Benchmark 4: waits placed by how long the action usually takes (issue 24). For each case,
// TRIALS actions whose histories hold 20 past runs spread evenly over ±SPREAD of the usual
// duration; each action is run once by each of three waiters side by side, against one
// sandbox: the reference pages' fixed 5-s loop, the poller with `prior: false` (today's
// elapsed-time schedule) and the poller with its prior (the default). The trials' own run
// times are spread over the same ±SPREAD (or are 3× / ⅓ of the usual one: misleading
// history). Long runs in compressed time as in wake-up.mjs: the sandbox divides durations by
// SCALE, the history holds durations already divided, the pollers divide their delays, and
// the lateness measured is multiplied back.
import { startSandbox } from '@mindzie/sandbox';
import { runAction, waitDefaults } from '../dist/index.js';
import { guid, referenceLoop, sandboxClient } from './reference.mjs';

const TRIALS = Number(process.env.TRIALS ?? 20);
const HISTORY = 20;
export const priorCases = [
  { label: '2 s, ±10 %', ms: 2_000, spread: 0.1, scale: 1 },
  { label: '30 s, ±10 %', ms: 30_000, spread: 0.1, scale: 1 },
  { label: '10 min, ±10 %', ms: 600_000, spread: 0.1, scale: 20 },
  { label: '10 min, ±3 %', ms: 600_000, spread: 0.03, scale: 20 },
  { label: '10 min usual, run 3× longer', ms: 600_000, spread: 0.1, scale: 20, actual: 3 },
  { label: '10 min usual, run ⅓ as long', ms: 600_000, spread: 0.1, scale: 20, actual: 1 / 3 },
];

const even = (i, n, spread) => 1 - spread + (2 * spread * i) / (n - 1);

async function poller(client, actionId, scale, prior) {
  const started = Date.now();
  let requests = 0;
  let expected;
  const { execution } = await runAction(client, actionId, {
    initialDelayMs: waitDefaults.initialDelayMs / scale,
    maxDelayMs: waitDefaults.maxDelayMs / scale,
    timeoutMs: (2 * waitDefaults.timeoutMs) / scale, // an hour: the 3×-longer case runs 30 min
    prior,
    onPoll: (event) => {
      requests++;
      expected = event.prior;
    },
  });
  return { execution, requests, started, at: Date.now(), expected };
}

const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))];

function summary(runs, scale, bound) {
  const late = runs.map((r) => ((r.at - Date.parse(r.execution.dateEnded)) * scale) / 1000);
  const within = runs.filter((r, i) => late[i] * 1000 <= bound((r.at - r.started) * scale));
  return {
    median: quantile(late, 0.5),
    p95: quantile(late, 0.95),
    requests: runs.reduce((sum, r) => sum + r.requests, 0) / runs.length,
    within: within.length / runs.length,
  };
}

export async function priorBench() {
  const rows = [];
  for (const c of priorCases) {
    const actions = Array.from({ length: TRIALS }, (_, i) => ({
      actionId: guid('a', i + 1),
      name: `run ${i}`,
      outcome: 'Completed',
      queuedMs: 0,
      durationMs: Math.round(c.ms * (c.actual ?? even(i, TRIALS, c.spread))),
      package: [{ path: 'x.txt', text: 'x' }],
      history: Array.from({ length: HISTORY }, (_, h) => ({
        actionExecutionId: guid('e', (i + 1) * 100 + h),
        dateStarted: new Date(Date.parse('2026-11-01T00:00:00Z') + h * 86_400_000).toISOString(),
        durationMs: Math.round((c.ms * even(h, HISTORY, c.spread)) / c.scale),
      })),
    }));
    const fixture = {
      tenants: [
        {
          tenantId: guid('1', 1),
          tokens: ['bench-token'],
          projects: [{ projectId: guid('2', 1), actions, blocks: [] }],
        },
      ],
    };
    const sandbox = await startSandbox({ port: 0, timeScale: c.scale, fixture });
    const client = () => sandboxClient(sandbox);
    try {
      // One client per waiter kind: the prior's cache is per client, as it would be per process.
      const [loopClient, todayClient, priorClient] = [client(), client(), client()];
      const [loop, today, ours] = await Promise.all([
        Promise.all(actions.map((a) => referenceLoop(loopClient, a.actionId, 5_000 / c.scale))),
        Promise.all(actions.map((a) => poller(todayClient, a.actionId, c.scale, false))),
        Promise.all(actions.map((a) => poller(priorClient, a.actionId, c.scale, true))),
      ]);
      const reads = sandbox.admin.requests({ operationId: 'listActionExecutions' }).length;
      // Today's promise: within max(1 s, 20 % of the time waited); ⅓ as long: within 10 % of the usual.
      const todays = (waitedMs) => Math.max(1_000, 0.2 * waitedMs);
      const bound = c.actual !== undefined && c.actual < 1 ? () => 0.1 * c.ms : todays;
      rows.push({
        ...c,
        loop: summary(loop, c.scale, bound),
        today: summary(today, c.scale, bound),
        ours: summary(ours, c.scale, bound),
        readsPerRun: reads / (2 * TRIALS), // the poller runs only (the loop reads no history)
        expectedMs: ours[0].expected?.expectedMs * c.scale,
        runs: ours[0].expected?.runs,
      });
    } finally {
      await sandbox.close();
    }
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { execFileSync } = await import('node:child_process');
  const fmt = (n, d = 2) => n.toFixed(d);
  console.log(`node ${process.version}; load ${execFileSync('uptime', { encoding: 'utf8' }).trim()}`);
  console.log(`4. Waits with a duration prior: ${TRIALS} actions per case, each with ${HISTORY} past runs`);
  console.log(
    '| case | lateness s, median / p95: 5-s loop | today (prior: false) | with prior | requests: loop | today | prior' +
      ' | prior ÷ loop | within the bound: loop / today / prior | history reads per run | prior seen |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of await priorBench()) {
    const late = (x) => `${fmt(x.median)} / ${fmt(x.p95)}`;
    const pct = (x) => `${Math.round(x.within * 100)} %`;
    const name = r.scale > 1 ? `${r.label} (÷${r.scale})` : r.label;
    const seen = r.runs === undefined ? 'none' : `${fmt(r.expectedMs / 1000, 1)} s from ${r.runs} runs`;
    console.log(
      `| ${[
        name,
        late(r.loop),
        late(r.today),
        late(r.ours),
        fmt(r.loop.requests, 1),
        fmt(r.today.requests, 1),
        fmt(r.ours.requests, 1),
        fmt(r.ours.requests / r.loop.requests),
        `${pct(r.loop)} / ${pct(r.today)} / ${pct(r.ours)}`,
        fmt(r.readsPerRun),
        seen,
      ].join(' | ')} |`,
    );
  }
}
