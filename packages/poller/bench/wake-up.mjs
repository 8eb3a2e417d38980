// Benchmark 1: how long after an execution ends does the wait notice, and how many status
// requests does it send, against the reference pages' loop (check, then sleep a fixed 5 s)?
// Real code, real HTTP, real sandbox; long executions run in compressed time: the sandbox
// divides every duration by SCALE and both pollers divide their delays by the same SCALE,
// and the delays measured are multiplied back. Each case runs TRIALS executions whose
// lengths are spread evenly over ±5 % of the nominal one, both pollers side by side.
import { createClient } from '@mindzie/client';
import { startSandbox } from '@mindzie/sandbox';
import { runAction, waitDefaults } from '../dist/index.js';

const TRIALS = Number(process.env.TRIALS ?? 40);
const cases = [
  { label: '2 s', ms: 2_000, scale: 1 },
  { label: '30 s', ms: 30_000, scale: 1 },
  { label: '10 min', ms: 600_000, scale: 20 },
];

const guid = (kind, i) => `${kind}0000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

/** The reference pages' loop: get the execution, stop on a terminal status, else sleep 5 s. */
async function referenceLoop(client, actionId, sleepMs) {
  const { actionExecutionId } = await client.executeAction(actionId);
  let requests = 0;
  for (;;) {
    const execution = await client.getActionExecution(actionExecutionId);
    requests++;
    if (execution.status === 'Completed' || execution.status === 'Failed') return { execution, requests, at: Date.now() };
    await new Promise((r) => setTimeout(r, sleepMs));
  }
}

async function poller(client, actionId, scale) {
  let requests = 0;
  const { execution } = await runAction(client, actionId, {
    initialDelayMs: waitDefaults.initialDelayMs / scale,
    maxDelayMs: waitDefaults.maxDelayMs / scale,
    timeoutMs: waitDefaults.timeoutMs / scale,
    onPoll: () => requests++,
  });
  return { execution, requests, at: Date.now() };
}

const summary = (runs, scale) => {
  const wake = runs.map((r) => ((r.at - Date.parse(r.execution.dateEnded)) * scale) / 1000).sort((a, b) => a - b);
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return {
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
      tenants: [{ tenantId: guid('1', 1), tokens: ['bench-token'], projects: [{ projectId: guid('2', 1), actions, blocks: [] }] }],
    };
    const sandbox = await startSandbox({ port: 0, timeScale: scale, fixture });
    const client = createClient({ baseUrl: sandbox.baseUrl, token: sandbox.token, tenantId: sandbox.tenantId, projectId: sandbox.projectId, maxRetries: 0 });
    try {
      const [reference, ours] = await Promise.all([
        Promise.all(actions.map((a) => referenceLoop(client, a.actionId, 5_000 / scale))),
        Promise.all(actions.map((a) => poller(client, a.actionId, scale))),
      ]);
      rows.push({ label, scale, reference: summary(reference, scale), ours: summary(ours, scale) });
    } finally {
      await sandbox.close();
    }
  }
  return rows;
}
