// `pnpm bench` for @mindzie/client. Needs the build (turbo runs it first).
//  1. Per-call overhead: client.getActionExecution against raw fetch of the same URL, same
//     loopback server, same run, interleaved rounds; the ratio of medians is the figure.
//  2. Saving a 1 GiB package: peak RSS of a process running downloadPackageToFile, and its
//     throughput against `curl -o` of the same URL, interleaved runs.
// Options: CALLS (per round, default 2000), ROUNDS (default 10), PACKAGE_MIB (default 1024), RUNS (default 3).
import { fork, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createClient } from '../dist/index.js';

const CALLS = Number(process.env.CALLS ?? 2000);
const ROUNDS = Number(process.env.ROUNDS ?? 10);
const PACKAGE_MIB = Number(process.env.PACKAGE_MIB ?? 1024);
const RUNS = Number(process.env.RUNS ?? 3);
const CURL = '/usr/bin/curl';
const here = new URL('.', import.meta.url).pathname;

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ids = { tenantId: '12345678-1234-1234-1234-123456789012', projectId: '87654321-4321-4321-4321-210987654321' };
const executionId = '11111111-2222-3333-4444-555555555555';

const server = fork(join(here, 'server.mjs'), { env: { ...process.env, PACKAGE_MIB: String(PACKAGE_MIB) } });
const { port } = await new Promise((resolve) => server.once('message', resolve));
const baseUrl = `http://127.0.0.1:${port}`;
const url = `${baseUrl}/api/${ids.tenantId}/${ids.projectId}/actionexecution/${executionId}`;
const token = 'bench-token-0123456789';

try {
  console.log(`node ${process.version}, ${CALLS} calls x ${ROUNDS} rounds, package ${PACKAGE_MIB} MiB x ${RUNS} runs\n`);
  await overhead();
  await download();
} finally {
  server.kill();
}

async function overhead() {
  const client = createClient({ baseUrl, token, ...ids });
  const rawFetch = async () => {
    const response = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
    if (!response.ok) throw new Error(String(response.status));
    return response.json();
  };
  const viaClient = () => client.getActionExecution(executionId);
  const round = async (call) => {
    const started = performance.now();
    for (let i = 0; i < CALLS; i++) await call();
    return ((performance.now() - started) * 1000) / CALLS; // µs per call
  };
  await round(rawFetch); // warm-up: connections, JIT
  await round(viaClient);
  const raw = [];
  const sdk = [];
  for (let r = 0; r < ROUNDS; r++) {
    // Alternate the order so neither side always runs on a warmer process.
    if (r % 2 === 0) raw.push(await round(rawFetch)), sdk.push(await round(viaClient));
    else sdk.push(await round(viaClient)), raw.push(await round(rawFetch));
  }
  const ratio = median(sdk) / median(raw);
  console.log('Per-call overhead (GET one execution, loopback, sequential)');
  console.log(`  raw fetch + json():          median ${median(raw).toFixed(1)} µs/call  (rounds: ${raw.map((v) => v.toFixed(0)).join(' ')})`);
  console.log(`  client.getActionExecution(): median ${median(sdk).toFixed(1)} µs/call  (rounds: ${sdk.map((v) => v.toFixed(0)).join(' ')})`);
  console.log(`  ratio client / raw fetch:    ${ratio.toFixed(3)}x  (goal <= 1.10x)\n`);
}

async function download() {
  const dir = mkdtempSync(join(tmpdir(), 'mindzie-bench-'));
  const packageUrl = `${baseUrl}/api/${ids.tenantId}/${ids.projectId}/actionexecution/downloadpackage/${executionId}`;
  const bytes = PACKAGE_MIB * 2 ** 20;
  const sdk = [];
  const curl = [];
  const rss = [];
  let baselineRss = 0;
  const hasCurl = existsSync(CURL);
  try {
    for (let run = 0; run < RUNS; run++) {
      const result = spawnSync(process.execPath, [join(here, 'save-package.mjs'), baseUrl, dir], { encoding: 'utf8' });
      if (result.status !== 0) throw new Error(`save-package failed: ${result.stderr}`);
      const figures = JSON.parse(result.stdout);
      if (figures.bytes !== bytes) throw new Error(`saved ${figures.bytes} bytes, expected ${bytes}`);
      sdk.push(bytes / 2 ** 20 / figures.seconds);
      rss.push(figures.maxRssMiB);
      baselineRss = figures.baselineRssMiB;
      rmSync(join(dir, `${executionId}.zip`));
      if (hasCurl) {
        const target = join(dir, 'curl.zip');
        const started = performance.now();
        const fetched = spawnSync(CURL, ['-s', '-S', '-f', '-o', target, packageUrl]);
        const seconds = (performance.now() - started) / 1000;
        if (fetched.status !== 0 || statSync(target).size !== bytes) throw new Error(`curl failed: ${fetched.stderr}`);
        curl.push(bytes / 2 ** 20 / seconds);
        rmSync(target);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`Saving a ${PACKAGE_MIB} MiB package to ${tmpdir()} (downloadPackageToFile in a fresh process)`);
  console.log(`  peak RSS:        max ${Math.max(...rss).toFixed(1)} MiB  (runs: ${rss.map((v) => v.toFixed(1)).join(' ')}; process after loading the client: ${baselineRss.toFixed(1)} MiB)  (goal <= 100 MiB)`);
  console.log(`  client:          median ${median(sdk).toFixed(0)} MiB/s  (runs: ${sdk.map((v) => v.toFixed(0)).join(' ')}; includes starting node)`);
  if (hasCurl) {
    console.log(`  curl -o:         median ${median(curl).toFixed(0)} MiB/s  (runs: ${curl.map((v) => v.toFixed(0)).join(' ')}; includes starting curl)`);
    console.log(`  ratio client / curl: ${(median(sdk) / median(curl)).toFixed(2)}x  (goal >= 0.8x)`);
  } else console.log(`  curl: not found at ${CURL}, no baseline`);
}
