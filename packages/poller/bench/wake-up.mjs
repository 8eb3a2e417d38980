// Benchmark 1: how long after an execution ends does the wait notice, and how many status
// requests does it send, against the reference pages' loop (check, then sleep a fixed 5 s)
// and against the poller's previous schedule (a step growing ×1.5 per check from 1 s to 30 s,
// equal jitter: the schedule before it grew with the time waited), replayed here as a loop?
// Real code, real HTTP, real sandbox; long executions run in compressed time: the sandbox
// divides every duration by SCALE and both pollers divide their delays by the same SCALE,
// and the delays measured are multiplied back. Each case runs TRIALS executions whose
// lengths are spread evenly over ±5 % of the nominal one, both pollers side by side.
import { startSandbox } from '@mindzie/sandbox';
import { runAction, waitDefaults } from '../dist/index.js';
import { guid, referenceLoop, sandboxClient } from './reference.mjs';

const TRIALS = Number(process.env.TRIALS ?? 40);
const cases = [
  { label: '2 s', ms: 2_000, scale: 1 },
  { label: '30 s', ms: 30_000, scale: 1 },
  { label: '2 min', ms: 120_000, scale: 4 },
  { label: '10 min', ms: 600_000, scale: 20 },
];

/**
 * The previous default schedule: step 1 s × 1.5^n up to 30 s, delay uniform in [½, 1] × step,
 * first check one step after execute.
 */
async function previousSchedule(client, actionId, scale) {
  const started = Date.now();
  const { actionExecutionId } = await client.executeAction(actionId);
  let requests = 0;
  for (let attempt = 0; ; attempt++) {
    const step = Math.min(30_000, 1_000 * 1.5 ** attempt) / scale;
    await new Promise((r) => setTimeout(r, step / 2 + (Math.random() * step) / 2));
    const execution = await client.getActionExecution(actionExecutionId);
    requests++;
    if (execution.status === 'Completed' || execution.status === 'Failed') {
      return { execution, requests, started, at: Date.now() };
    }
  }
}

async function poller(client, actionId, scale) {
  const started = Date.now();
  let requests = 0;
  const { execution } = await runAction(client, actionId, {
    initialDelayMs: waitDefaults.initialDelayMs / scale,
    maxDelayMs: waitDefaults.maxDelayMs / scale,
    timeoutMs: waitDefaults.timeoutMs / scale,
    onPoll: () => requests++,
  });
  return { execution, requests, started, at: Date.now() };
}

const summary = (runs, scale) => {
  const wake = runs.map((r) => ((r.at - Date.parse(r.execution.dateEnded)) * scale) / 1000).sort((a, b) => a - b);
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
  // The promise: noticed within max(1 s, 20 % of the time waited).
  const within = runs.filter(
    (r) => r.at - Date.parse(r.execution.dateEnded) <= Math.max(1_000 / scale, 0.2 * (r.at - r.started)),
  );
  return {
    within: within.length / runs.length,
    wakeMean: mean(wake),
    wakeP95: wake[Math.floor(wake.length * 0.95)],
    requests: mean(runs.map((r) => r.requests)),
  };
};

export async function wakeUp() {
  const rows = [];
  for (const { label, ms, scale } of cases) {
    const actions = Array.from({ length: TRIALS }, (_, i) => ({
      actionId: guid('a', i + 1),
      name: `run ${i}`,
      outcome: 'Completed',
      queuedMs: 0,
      durationMs: Math.round(ms * (0.95 + (0.1 * i) / (TRIALS - 1))),
      package: [{ path: 'x.txt', text: 'x' }],
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
    const sandbox = await startSandbox({ port: 0, timeScale: scale, fixture });
    const client = sandboxClient(sandbox);
    try {
      const [reference, previous, ours] = await Promise.all([
        Promise.all(actions.map((a) => referenceLoop(client, a.actionId, 5_000 / scale))),
        Promise.all(actions.map((a) => previousSchedule(client, a.actionId, scale))),
        Promise.all(actions.map((a) => poller(client, a.actionId, scale))),
      ]);
      rows.push({
        label,
        scale,
        reference: summary(reference, scale),
        previous: summary(previous, scale),
        ours: summary(ours, scale),
      });
    } finally {
      await sandbox.close();
    }
  }
  return rows;
}
