// `node bench/fleet.mjs` (part of `pnpm bench`; needs the build; installs Debian's redis-server when missing):
// PROCESSES worker processes × WAITS waits over EXECUTIONS distinct executions of a sandbox
// (in its own process), with a Redis coordinator against the same processes without one.
// Prints total status requests, peak requests per second at the sandbox (against the shared
// limit), and the added latency from one process seeing a status change to every other
// process's wait seeing it. Options: PROCESSES (4), WAITS (2500), EXECUTIONS (1000),
// MAX_PER_SECOND (200, the fleet's shared limit), DURATION_MS (30000, each execution's run).
// Then takeovers: a leader of TAKEOVER_EXECUTIONS (10) executions is killed (SIGKILL) or frozen
// (SIGSTOP, then resumed) in TAKEOVER_TRIALS (3) runs each; how long until another process polls
// each execution it led, against 2 × leaseMs + one step of the schedule, and how many polls the
// resumed leader sent for executions taken over from it.
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
const skipThroughput = process.env.TAKEOVER_ONLY === '1';
for (const withRedis of skipThroughput ? [] : [false, true]) {
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

if (rows.length === 2) {
  printThroughput(rows);
}
await takeovers();

function printThroughput([alone, fleet]) {
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
  for (const r of [alone, fleet]) {
    const wake = `${fmt(r.median, 0)} / ${fmt(r.p95, 0)}`;
    console.log(row([r.label, r.resolved, r.wrong, r.fallbacks, fmt(r.seconds), r.requests, r.peak, wake]));
  }
  console.log(
    `ratios Redis / alone: requests ${fmt(fleet.requests / alone.requests, 2)}; ` +
      `peak ${fleet.peak} req/s = ${fmt(fleet.peak / maxPerSecond, 2)}× the shared limit`,
  );
}

/**
 * A leader's SIGKILL or SIGSTOP: 3 processes, the first begins alone (so it leads every
 * execution), the others join; then it is killed or frozen, and each execution's takeover is
 * the time from the signal to the first poll another process sends for it. A frozen leader is
 * resumed once every execution is taken over, and its polls in the next 2 s are counted.
 */
async function takeovers() {
  const trials = Number(process.env.TAKEOVER_TRIALS ?? 3);
  const count = Number(process.env.TAKEOVER_EXECUTIONS ?? 10);
  const leaseMs = 2_000;
  const wait = { initialDelayMs: 1_000, factor: 1, maxDelayMs: 1_000, jitter: 'none', timeoutMs: 60_000 };
  const bound = 2 * leaseMs + wait.maxDelayMs;
  const sandbox = fork(here('./sandbox-process.mjs'), { env: { ...process.env, DURATION_MS: '600000' } });
  const info = await new Promise((resolve) => sandbox.once('message', resolve));
  const redis = await startRedis();
  const api = { baseUrl: info.baseUrl, token: info.token, tenantId: info.tenantId, projectId: info.projectId };
  const client = createClient(api);
  const results = { SIGKILL: [], SIGSTOP: [] };
  let stale = 0;
  try {
    for (const signal of ['SIGKILL', 'SIGSTOP']) {
      for (let trial = 0; trial < trials; trial++) {
        const workers = ['t0', 't1', 't2'].map((name) =>
          startTakeoverWorker({ name, api, redisPort: redis.port, fleet: { maxPerSecond: 50, leaseMs }, wait }),
        );
        await Promise.all(workers.map((w) => w.ready));
        const ids = (await Promise.all(Array.from({ length: count }, () => client.executeAction(info.actionId)))).map(
          (e) => e.actionExecutionId,
        );
        const polled = (w, id, after = 0) => w.requests.some((r) => r.path.endsWith(`/${id}`) && r.at > after);
        const [leader, ...others] = workers;
        leader.child.send({ waits: ids.map((executionId) => ({ executionId })) });
        await until(() => ids.every((id) => polled(leader, id)));
        for (const w of others) {
          w.child.send({ waits: ids.map((executionId) => ({ executionId })) });
        }
        await new Promise((r) => setTimeout(r, wait.maxDelayMs)); // the others follow
        leader.child.kill(signal);
        const signalledAt = Date.now();
        const firstPoll = (id) =>
          Math.min(
            ...others.flatMap((w) =>
              w.requests.filter((r) => r.path.endsWith(`/${id}`) && r.at > signalledAt).map((r) => r.at),
            ),
          );
        await until(() => ids.every((id) => Number.isFinite(firstPoll(id))), 60_000);
        results[signal].push(...ids.map((id) => firstPoll(id) - signalledAt));
        if (signal === 'SIGSTOP') {
          leader.child.kill('SIGCONT');
          const resumedAt = Date.now();
          await new Promise((r) => setTimeout(r, 2_000));
          stale += leader.requests.filter((r) => r.at > resumedAt - 1).length;
        }
        for (const w of workers) {
          w.child.kill('SIGKILL');
        }
      }
    }
  } finally {
    sandbox.disconnect();
    await redis.close();
  }
  console.log(
    `Takeover (${trials} runs × ${count} executions each; leaseMs ${leaseMs}, 1-s steps: ` +
      `bound 2 × leaseMs + one step = ${bound} ms)`,
  );
  console.log('| leader | takeovers | median (ms) | p95 (ms) | max (ms) | max / bound |');
  console.log('|---|---|---|---|---|---|');
  for (const [signal, times] of Object.entries(results)) {
    const label = signal === 'SIGKILL' ? 'killed (SIGKILL)' : 'frozen (SIGSTOP)';
    const max = Math.max(...times);
    const cells = [label, times.length, quantile(times, 0.5), quantile(times, 0.95), max, fmt(max / bound, 2)];
    console.log(`| ${cells.join(' | ')} |`);
  }
  console.log(`Polls a resumed leader sent in the 2 s after SIGCONT (executions taken over from it): ${stale}`);
}

function startTakeoverWorker(config) {
  const child = fork(here('../src/redis/fleet-worker.mjs'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const requests = [];
  let onReady;
  const ready = new Promise((resolve) => (onReady = resolve));
  child.on('message', (event) => {
    if (event.type === 'ready') {
      onReady();
    } else if (event.type === 'request') {
      requests.push(event);
    }
  });
  child.on('error', () => {});
  child.send(config);
  return { child, requests, ready };
}

async function until(condition, ms = 30_000) {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) {
      throw new Error('the takeover benchmark waited too long');
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}
