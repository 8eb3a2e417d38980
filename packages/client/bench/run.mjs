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
  // Calls alternate one by one (raw, client, client, raw, …) so that noise from other processes
  // hits both sides alike; the figure is the ratio of the median per-call times.
  const time = async (call) => {
    const started = performance.now();
    await call();
    return (performance.now() - started) * 1000; // µs
  };
  for (let i = 0; i < 200; i++) await rawFetch(), await viaClient(); // warm-up: connections, JIT
  const raw = [];
  const sdk = [];
  const roundRatios = [];
  for (let r = 0; r < ROUNDS; r++) {
    const roundRaw = [];
    const roundSdk = [];
    for (let i = 0; i < CALLS; i++) {
      if (i % 2 === 0) roundRaw.push(await time(rawFetch)), roundSdk.push(await time(viaClient));
      else roundSdk.push(await time(viaClient)), roundRaw.push(await time(rawFetch));
    }
    roundRatios.push(median(roundSdk) / median(roundRaw));
    raw.push(...roundRaw);
    sdk.push(...roundSdk);
  }
  const ratio = median(sdk) / median(raw);
  console.log(`Per-call overhead (GET one execution, loopback, sequential, ${CALLS * ROUNDS} calls each, interleaved)`);
  console.log(`  raw fetch + json():          median ${median(raw).toFixed(1)} µs/call`);
  console.log(`  client.getActionExecution(): median ${median(sdk).toFixed(1)} µs/call`);
  console.log(`  ratio client / raw fetch:    ${ratio.toFixed(3)}x  (goal <= 1.10x; per round: ${roundRatios.map((v) => v.toFixed(3)).join(' ')})\n`);
}

async function download() {
  const dir = mkdtempSync(join(tmpdir(), 'mindzie-bench-'));
  const packageUrl = `${baseUrl}/api/${ids.tenantId}/${ids.projectId}/actionexecution/downloadpackage/${executionId}`;
  const bytes = PACKAGE_MIB * 2 ** 20;
  const mib = (seconds) => bytes / 2 ** 20 / seconds;
  const runNode = (script, file) => {
    const result = spawnSync(process.execPath, [join(here, script), script === 'save-package.mjs' ? baseUrl : packageUrl, dir], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`${script} failed: ${result.stderr}`);
    const figures = JSON.parse(result.stdout);
    if (figures.bytes !== bytes || statSync(join(dir, file)).size !== bytes) throw new Error(`${script} saved ${figures.bytes} bytes, expected ${bytes}`);
    rmSync(join(dir, file));
    return figures;
  };
  const hasCurl = existsSync(CURL);
  const sdk = [];
  const raw = [];
  const curl = [];
  try {
    for (let run = 0; run < RUNS; run++) {
      sdk.push(runNode('save-package.mjs', `${executionId}.zip`));
      raw.push(runNode('fetch-to-file.mjs', 'fetch.zip'));
      if (hasCurl) {
        const target = join(dir, 'curl.zip');
        const started = performance.now();
        const fetched = spawnSync(CURL, ['-s', '-S', '-f', '-o', target, packageUrl]);
        const seconds = (performance.now() - started) / 1000;
        if (fetched.status !== 0 || statSync(target).size !== bytes) throw new Error(`curl failed: ${fetched.stderr}`);
        curl.push(seconds);
        rmSync(target);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const speeds = (runs) => runs.map((r) => mib(r.seconds ?? r));
  const rss = (runs) => runs.map((r) => r.maxRssMiB);
  const list = (values, digits = 0) => values.map((v) => v.toFixed(digits)).join(' ');
  console.log(`Saving a ${PACKAGE_MIB} MiB package to ${tmpdir()}, each in a fresh process, interleaved`);
  console.log(`  peak RSS, downloadPackageToFile: max ${Math.max(...rss(sdk)).toFixed(1)} MiB  (runs: ${list(rss(sdk), 1)}; node + client loaded: ${sdk[0].baselineRssMiB.toFixed(1)} MiB)  (goal <= 100 MiB)`);
  console.log(`  peak RSS, raw fetch to file:     max ${Math.max(...rss(raw)).toFixed(1)} MiB  (runs: ${list(rss(raw), 1)})`);
  console.log(`  throughput, downloadPackageToFile: median ${median(speeds(sdk)).toFixed(0)} MiB/s  (runs: ${list(speeds(sdk))})`);
  console.log(`  throughput, raw fetch to file:     median ${median(speeds(raw)).toFixed(0)} MiB/s  (runs: ${list(speeds(raw))})`);
  if (hasCurl) {
    console.log(`  throughput, curl -o:               median ${median(speeds(curl)).toFixed(0)} MiB/s  (runs: ${list(speeds(curl))}; wall time of the curl process)`);
    console.log(`  ratio downloadPackageToFile / curl: ${(median(speeds(sdk)) / median(speeds(curl))).toFixed(2)}x  (goal >= 0.8x)`);
  } else console.log(`  curl: not found at ${CURL}, no curl baseline`);
  console.log(`  ratio downloadPackageToFile / raw fetch: ${(median(speeds(sdk)) / median(speeds(raw))).toFixed(2)}x`);
}
