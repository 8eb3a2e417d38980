// `node bench/fleet.mjs` (part of `pnpm bench`; needs the build; installs Debian's redis-server when missing):
// PROCESSES worker processes × WAITS waits over EXECUTIONS distinct executions of a sandbox
// (in its own process), with a Redis coordinator against the same processes without one.
// Prints total status requests, peak requests per second at the sandbox (against the shared
// limit), and the added latency from one process seeing a status change to every other
// process's wait seeing it. Options: PROCESSES (4), WAITS (2500), EXECUTIONS (1000),
// MAX_PER_SECOND (200, the fleet's shared limit), DURATION_MS (30000, each execution's run).
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createClient } from '@mindzie/client';
import { startRedis } from '../src/redis/test-redis.mjs';

const here = (file) => fileURLToPath(new URL(file, import.meta.url));
const processes = Number(process.env.PROCESSES ?? 4);
const waitsPerProcess = Number(process.env.WAITS ?? 2_500);
const executions = Number(process.env.EXECUTIONS ?? 1_000);
const maxPerSecond = Number(process.env.MAX_PER_SECOND ?? 200);
const fmt = (n, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : String(n));

/** Each process waits on every execution: WAITS waits spread round-robin over them. */
function waitsFor(ids, offset) {
  return Array.from({ length: waitsPerProcess }, (_, i) => ({ executionId: ids[(i + offset) % ids.length] }));
}

async function runFleet({ info, start, redisPort }) {
  const api = { baseUrl: info.baseUrl, token: info.token, tenantId: info.tenantId, projectId: info.projectId };
  const fleet = { maxPerSecond, maxConcurrent: 16 };
  const workers = Array.from({ length: processes }, (_, i) => {
    const child = fork(here('../src/redis/fleet-worker.mjs'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const events = [];
    const done = new Promise((resolve, reject) => {
      child.on('message', (event) => {
        events.push(event);
        if (event.type === 'done') {
          resolve(event);
        }
      });
      child.on('exit', (code) => reject(new Error(`worker ${i} exited (${code}) before it was done`)));
    });
    // The same processes either way: 16 requests in flight each, through Redis or their own limiter.
    const limiter = redisPort === undefined ? { maxConcurrent: fleet.maxConcurrent } : undefined;
    child.send({ name: `p${i}`, api, redisPort, fleet, limiter, report: 'summary' });
    return { child, events, done };
  });
  await Promise.all(
    workers.map(
      (w) =>
        new Promise((resolve) => {
          const check = () => (w.events.some((e) => e.type === 'ready') ? resolve() : setTimeout(check, 20));
          check();
        }),
    ),
  );
  // The executions start once every process is ready, so none is over before its waits begin.
  const ids = await start();
  const started = Date.now();
  for (const [i, w] of workers.entries()) {
    w.child.send({ waits: waitsFor(ids, i * 7) });
  }
  const done = await Promise.all(workers.map((w) => w.done));
  const seconds = (Date.now() - started) / 1000;
  for (const w of workers) {
    w.child.disconnect();
  }
  const results = workers.flatMap((w) => w.events.filter((e) => e.type === 'result'));
  const wrong = results.filter((r) => r.status !== 'Completed');
  return {
    done,
    seconds,
    resolved: results.length - wrong.length,
    wrong: wrong.length,
    fallbacks: workers.flatMap((w) => w.events.filter((e) => e.type === 'fallback')).length,
  };
}

/** Per execution and status: how long after the first process saw it each other process did (ms). */
function wakeUpDelays(done) {
  const byChange = new Map();
  for (const { wakeUps } of done) {
    const own = new Map();
    for (const { executionId, status, at } of wakeUps) {
      const key = `${executionId} ${status}`;
      if (!own.has(key)) {
        own.set(key, at);
      }
    }
    for (const [key, at] of own) {
      byChange.set(key, [...(byChange.get(key) ?? []), at]);
    }
  }
  return [...byChange.values()].flatMap((times) => {
    const [first, ...others] = times.sort((a, b) => a - b);
    return others.map((at) => at - first);
  });
}

const quantile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};

const rows = [];
for (const withRedis of [false, true]) {
  const sandbox = fork(here('./sandbox-process.mjs'), { env: process.env });
  const info = await new Promise((resolve) => sandbox.once('message', resolve));
  const redis = withRedis ? await startRedis() : undefined;
  try {
    const client = createClient({
      baseUrl: info.baseUrl,
      token: info.token,
      tenantId: info.tenantId,
      projectId: info.projectId,
    });
    const start = async () => {
      const ids = [];
      while (ids.length < executions) {
        const batch = await Promise.all(
          Array.from({ length: Math.min(100, executions - ids.length) }, () => client.executeAction(info.actionId)),
        );
        ids.push(...batch.map((e) => e.actionExecutionId));
      }
      sandbox.send('reset');
      return ids;
    };
    const run = await runFleet({ info, start, redisPort: redis?.port });
    sandbox.send('counts');
    const { counts } = await new Promise((resolve) => sandbox.once('message', resolve));
    const perSecond = counts.map(([, n]) => n);
    // Every process but the first to see each change: how much later it woke up.
    const followers = wakeUpDelays(run.done);
    rows.push({
      label: withRedis ? `Redis coordinator, ${maxPerSecond} req/s shared` : 'each process alone (own limiter)',
      ...run,
      requests: perSecond.reduce((a, b) => a + b, 0),
      peak: Math.max(...perSecond),
      median: quantile(followers, 0.5),
      p95: quantile(followers, 0.95),
    });
  } finally {
    sandbox.disconnect();
    await redis?.close();
  }
}

const [alone, fleet] = rows;
const row = (cells) => `| ${cells.join(' | ')} |`;
const runSeconds = Number(process.env.DURATION_MS ?? 30_000) / 1000;
console.log(
  `3. A fleet: ${processes} processes × ${waitsPerProcess} waits over ${executions} executions ` +
    `(${runSeconds}.5-s runs), default schedule`,
);
console.log(
  row([
    '',
    'waits resolved (Completed)',
    'other outcomes',
    'fallbacks',
    'seconds',
    'status requests',
    'peak req/s at the sandbox',
    "status change → other processes' wake-up, median / p95 (ms)",
  ]),
);
console.log('|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  const wake = `${fmt(r.median, 0)} / ${fmt(r.p95, 0)}`;
  console.log(row([r.label, r.resolved, r.wrong, r.fallbacks, fmt(r.seconds), r.requests, r.peak, wake]));
}
console.log(
  `ratios Redis / alone: requests ${fmt(fleet.requests / alone.requests, 2)}; ` +
    `peak ${fleet.peak} req/s = ${fmt(fleet.peak / maxPerSecond, 2)}× the shared limit`,
);
