// `pnpm bench` for @mindzie/poller (needs the build; turbo runs it first). Prints the
// figures BENCHMARKS.md keeps:
//  1. wake-up delay and status requests per wait against the reference pages' fixed 5-s
//     loop and the previous schedule, for 2 s, 30 s, 2 min and 10 min executions (wake-up.mjs);
//  2. WAITS concurrent waits in one process against a sandbox in another: all resolve,
//     peak memory, status requests per second under the shared limit, against WAITS
//     reference loops in the same run (many-waits.mjs).
// Options: TRIALS (default 40), WAITS (10000), MAX_PER_SECOND (500), MAX_CONCURRENT (16),
// DURATION_MS (30000), SKIP=wake|many. ONLY=many-waits: just the default-heap poller run of
// part 2 (no wake-up part, no --max-old-space-size=64 row, no reference loops: about a
// minute), for measuring memory while changing the poller. MANY_NODE_FLAGS: extra node
// flags for the many-waits process (e.g. "--trace-gc"; its output goes to stderr here).
import { execFileSync, fork } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient } from '@mindzie/client';
import { wakeUp } from './wake-up.mjs';

const here = (file) => fileURLToPath(new URL(file, import.meta.url));
const fmt = (n, d = 1) => n.toFixed(d);
const row = (cells) => `| ${cells.join(' | ')} |`;
console.log(`node ${process.version}, ${process.platform}/${process.arch}\n`);

const only = process.env.ONLY;
if (only !== undefined && only !== 'many-waits') {
  throw new Error(`ONLY=${only}: the only choice is many-waits`);
}
if (process.env.SKIP !== 'wake' && only === undefined) {
  console.log(
    '1. Wake-up delay after completion (s, mean / p95) and status requests per wait, ' +
      `${process.env.TRIALS ?? 40} executions per case`,
  );
  console.log(
    row([
      'execution',
      'reference 5-s loop',
      'previous schedule (×1.5/check)',
      '@mindzie/poller',
      'wake-up ratio (poller ÷ reference)',
      'requests: reference',
      'previous',
      'poller',
      'ratio (poller ÷ reference)',
      'noticed within max(1 s, 20 % of the time waited): reference / previous / poller',
    ]),
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  const pct = (x) => `${Math.round(x.within * 100)} %`;
  const wake = (x) => `${fmt(x.wakeMean, 2)} / ${fmt(x.wakeP95, 2)}`;
  for (const { label, scale, reference: r, previous: p, ours: o } of await wakeUp()) {
    const name = scale > 1 ? `${label} (÷${scale})` : label;
    const requests = [fmt(r.requests), fmt(p.requests), fmt(o.requests), fmt(o.requests / r.requests, 2)];
    const wakeRatio = fmt(o.wakeMean / r.wakeMean, 2);
    const within = `${pct(r)} / ${pct(p)} / ${pct(o)}`;
    console.log(row([name, wake(r), wake(p), wake(o), wakeRatio, ...requests, within]));
  }
  console.log('');
}

/** Starts WAITS executions of the sandbox's action, a batch at a time; each execute is sent once. */
async function startExecutions({ baseUrl, token, tenantId, projectId, actionId }) {
  const client = createClient({ baseUrl, token, tenantId, projectId });
  const total = Number(process.env.WAITS ?? 10_000);
  const ids = [];
  while (ids.length < total) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(100, total - ids.length) }, () => client.executeAction(actionId)),
    );
    ids.push(...batch.map((e) => e.actionExecutionId));
  }
  return ids;
}

if (process.env.SKIP !== 'many') {
  const results = [];
  // The poller twice: with Node's default heap sizing (V8 lets the heap grow to several
  // times the live set before it collects), and with the old space capped at 64 MiB, which
  // shows what the waits really need.
  const extraFlags = (process.env.MANY_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  const runs = [
    { mode: 'poller', label: 'poller', flags: [] },
    { mode: 'poller', label: 'poller, --max-old-space-size=64', flags: ['--max-old-space-size=64'] },
    { mode: 'reference', label: 'reference 5-s loops', flags: [] },
  ].slice(0, only === 'many-waits' ? 1 : 3);
  for (const { mode, label, flags } of runs) {
    const sandbox = fork(here('./sandbox-process.mjs'), { env: process.env });
    const info = await new Promise((resolve) => sandbox.once('message', resolve));
    try {
      const idsFile = join(mkdtempSync(join(tmpdir(), 'poller-bench-')), 'ids.json');
      writeFileSync(idsFile, JSON.stringify(await startExecutions(info)));
      sandbox.send('reset');
      const out = execFileSync(
        process.execPath,
        [
          ...flags,
          ...extraFlags,
          '--expose-gc',
          here('./many-waits.mjs'),
          info.baseUrl,
          info.token,
          info.tenantId,
          info.projectId,
          idsFile,
        ],
        {
          env: { ...process.env, MODE: mode },
          encoding: 'utf8',
          maxBuffer: 1 << 28,
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      // The result is the last JSON line; anything else (--trace-gc) is passed on to stderr.
      const lines = out.trim().split('\n');
      const result = JSON.parse(lines.findLast((line) => line.startsWith('{')));
      for (const line of lines) {
        if (!line.startsWith('{')) {
          process.stderr.write(`${line}\n`);
        }
      }
      sandbox.send('counts');
      const { counts } = await new Promise((resolve) => sandbox.once('message', resolve));
      const full = counts.slice(1, -1).map(([, n]) => n); // whole seconds only
      result.requests = counts.reduce((sum, [, n]) => sum + n, 0);
      result.peakPerSecond = Math.max(...full);
      result.meanPerSecond = result.requests / result.seconds;
      results.push({ ...result, label });
    } finally {
      sandbox.disconnect();
    }
  }
  const [p, , r] = results;
  const env = process.env;
  console.log(
    `2. ${env.WAITS ?? 10000} concurrent waits in one process, ${Number(env.DURATION_MS ?? 30000) / 1000}.5-s ` +
      `executions, shared limiter ${env.MAX_CONCURRENT ?? 16} in flight / ${env.MAX_PER_SECOND ?? 500} per s`,
  );
  console.log(
    row([
      '',
      'resolved',
      'failed',
      'seconds',
      'status requests',
      'peak req/s (1-s window)',
      'mean req/s',
      'RSS before → peak (MiB)',
      'peak heap (MiB)',
    ]),
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const x of results) {
    const rss = `${fmt(x.baselineRssMiB, 0)} → ${fmt(x.peakRssMiB, 0)}`;
    const rates = [x.peakPerSecond, fmt(x.meanPerSecond, 0)];
    console.log(row([x.label, x.resolved, x.failed, fmt(x.seconds), x.requests, ...rates, rss, fmt(x.peakHeapMiB, 0)]));
    if (only) {
      console.log(`  at the peak RSS (committed MiB per heap space): ${JSON.stringify(x.atPeak)}`);
    }
    if (x.firstFailure) {
      console.log(`  first failure (${x.label}): ${x.firstFailure}`);
    }
  }
  if (r) {
    console.log(
      `ratios poller / reference: requests ${fmt(p.requests / r.requests, 2)}, ` +
        `peak req/s ${fmt(p.peakPerSecond / r.peakPerSecond, 2)}, peak RSS ${fmt(p.peakRssMiB / r.peakRssMiB, 2)}`,
    );
  }
}
