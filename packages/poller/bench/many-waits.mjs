// One process waiting on many executions at once (run by run.mjs in a fresh process, so
// its memory is the waits' alone). MODE=poller: waitForActionExecution with one shared
// limiter; MODE=reference: the reference pages' loop (get, sleep 5 s) per execution.
// Prints {"resolved", "failed", "seconds", "baselineRssMiB", "peakRssMiB", "peakHeapMiB"}
// as JSON (run.mjs reads the request counts from the sandbox).
import { readFileSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';
import { createClient } from '@mindzie/client';
import { createLimiter, waitForActionExecution } from '../dist/index.js';

const [baseUrl, token, tenantId, projectId, idsFile] = process.argv.slice(2);
const MODE = process.env.MODE ?? 'poller';
const MAX_PER_SECOND = Number(process.env.MAX_PER_SECOND ?? 500);
const MAX_CONCURRENT = Number(process.env.MAX_CONCURRENT ?? 16);

const client = createClient({ baseUrl, token, tenantId, projectId, maxRetries: 0 });
// The executions were started by run.mjs, so this process holds nothing but the waits.
const ids = JSON.parse(readFileSync(idsFile, 'utf8'));
globalThis.gc?.();
const baselineRssMiB = process.memoryUsage().rss / 2 ** 20;

const started = Date.now();
let peakRss = 0;
let peakHeap = 0;
let atPeak = {};
const sampler = setInterval(() => {
  const { rss, heapUsed } = process.memoryUsage();
  peakHeap = Math.max(peakHeap, heapUsed);
  if (rss <= peakRss) {
    return;
  }
  peakRss = rss;
  // Where the peak RSS is: each heap space's committed memory (MiB) at that moment.
  atPeak = { atSecond: Math.round((Date.now() - started) / 1000) };
  for (const s of getHeapSpaceStatistics()) {
    atPeak[s.space_name] = Math.round(s.physical_space_size / 2 ** 20);
  }
}, 50);

const limiter = createLimiter({ maxConcurrent: MAX_CONCURRENT, maxPerSecond: MAX_PER_SECOND });
const referenceLoop = async (id) => {
  for (;;) {
    const e = await client.getActionExecution(id, { timeoutMs: 120_000 });
    if (e.status === 'Completed' || e.status === 'Failed') {
      return e;
    }
    await new Promise((r) => setTimeout(r, 5_000));
  }
};
const outcomes = await Promise.allSettled(
  ids.map((id) =>
    MODE === 'poller' ? waitForActionExecution(client, id, { limiter, timeoutMs: 600_000 }) : referenceLoop(id),
  ),
);
const seconds = (Date.now() - started) / 1000;
clearInterval(sampler);
const failures = outcomes.filter((o) => o.status === 'rejected');
console.log(
  JSON.stringify({
    mode: MODE,
    resolved: outcomes.length - failures.length,
    failed: failures.length,
    firstFailure: failures[0] ? String(failures[0].reason) : undefined,
    seconds,
    baselineRssMiB,
    peakRssMiB: peakRss / 2 ** 20,
    peakHeapMiB: peakHeap / 2 ** 20,
    atPeak,
  }),
);
