// `pnpm bench` (built to dist/bench.js): the sandbox against Prism's mock on the same spec,
// in the same run, with the same load tool (autocannon, bounded, on loopback):
// - requests per second for GET one execution (goal: sandbox >= 5x Prism);
// - start-up time from spawn to ready.
// Prints a Markdown report and writes it to .bench-out/latest.md.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { startPrism } from './contract/prism.ts';

const rounds = 3;
const warmupSeconds = 1;
const measureSeconds = 5;
const connections = 16;
const startupRuns = 5;

const bin = fileURLToPath(new URL('../bin/mindzie-sandbox.js', import.meta.url));

interface Server {
  baseUrl: string;
  readyMs: number;
  close(): Promise<void>;
}

interface SandboxInfo {
  baseUrl: string;
  token: string;
  tenantId: string;
  projectId: string;
}

/** Spawns the sandbox CLI (as users run it) and waits for its --json line. */
async function startSandboxProcess(): Promise<Server & { info: SandboxInfo }> {
  const started = performance.now();
  const child = spawn(process.execPath, [bin, '--json', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('\n')) {
        resolve(output.slice(0, output.indexOf('\n')));
      }
    });
    child.once('exit', (code) => reject(new Error(`the sandbox exited with ${code}`)));
  });
  const readyMs = performance.now() - started;
  const info = JSON.parse(line) as SandboxInfo;
  return { baseUrl: info.baseUrl, readyMs, info, close: () => stop(child) };
}

async function startPrismMock(): Promise<Server> {
  const started = performance.now();
  const prism = await startPrism('mock');
  return { baseUrl: prism.baseUrl, readyMs: performance.now() - started, close: prism.close };
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) {
      return resolve();
    }
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

interface Load {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

async function load(url: string, token: string, seconds: number): Promise<Load> {
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    headers: { authorization: `Bearer ${token}` },
  });
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const round = (value: number, digits = 0) => Number(value.toFixed(digits));

async function main(): Promise<void> {
  // Start-up: spawn to ready, alternating so both see the same machine load.
  const startup = { sandbox: [] as number[], prism: [] as number[] };
  for (let run = 0; run < startupRuns; run++) {
    const sandbox = await startSandboxProcess();
    startup.sandbox.push(sandbox.readyMs);
    await sandbox.close();
    const prism = await startPrismMock();
    startup.prism.push(prism.readyMs);
    await prism.close();
  }

  // Throughput of GET one execution, both servers up, measured in alternating rounds.
  const sandbox = await startSandboxProcess();
  const prism = await startPrismMock();
  const { token, tenantId, projectId } = sandbox.info;
  const path = `/api/${tenantId}/${projectId}/actionexecution/e0000000-0000-4000-8000-000000000001`;
  const results = { sandbox: [] as Load[], prism: [] as Load[] };
  try {
    for (const server of [sandbox, prism]) {
      await load(`${server.baseUrl}${path}`, token, warmupSeconds);
    }
    for (let run = 0; run < rounds; run++) {
      results.sandbox.push(await load(`${sandbox.baseUrl}${path}`, token, measureSeconds));
      results.prism.push(await load(`${prism.baseUrl}${path}`, token, measureSeconds));
    }
  } finally {
    await sandbox.close();
    await prism.close();
  }

  const summary = (loads: Load[]) => ({
    rps: median(loads.map((entry) => entry.requestsPerSecond)),
    p50: median(loads.map((entry) => entry.p50)),
    p99: median(loads.map((entry) => entry.p99)),
    failures: loads.reduce((sum, entry) => sum + entry.non2xx + entry.errors, 0),
  });
  const s = summary(results.sandbox);
  const p = summary(results.prism);
  const startSandboxMs = median(startup.sandbox);
  const startPrismMs = median(startup.prism);
  const report = [
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}. ` +
      `autocannon, ${connections} connections, ${rounds} rounds of ${measureSeconds} s (medians), ` +
      `after ${warmupSeconds} s warm-up each.`,
    '',
    '| GET one execution | requests/s | p50 ms | p99 ms | non-2xx + errors |',
    '|---|---:|---:|---:|---:|',
    `| sandbox | ${round(s.rps)} | ${s.p50} | ${s.p99} | ${s.failures} |`,
    `| Prism mock (baseline) | ${round(p.rps)} | ${p.p50} | ${p.p99} | ${p.failures} |`,
    `| **ratio** | **${round(s.rps / p.rps, 1)}×** (goal ≥ 5×) | | | |`,
    '',
    `| start-up, spawn to ready (median of ${startupRuns}) | ms |`,
    '|---|---:|',
    `| sandbox | ${round(startSandboxMs)} |`,
    `| Prism mock (baseline) | ${round(startPrismMs)} |`,
    `| **ratio** | **${round(startPrismMs / startSandboxMs, 1)}× faster** |`,
    '',
    `Every round: sandbox ${results.sandbox.map((entry) => round(entry.requestsPerSecond)).join(', ')} req/s; ` +
      `Prism ${results.prism.map((entry) => round(entry.requestsPerSecond)).join(', ')} req/s. ` +
      `Start-ups: sandbox ${startup.sandbox.map((ms) => round(ms)).join(', ')} ms; ` +
      `Prism ${startup.prism.map((ms) => round(ms)).join(', ')} ms.`,
  ].join('\n');
  process.stdout.write(`${report}\n`);
  const out = fileURLToPath(new URL('../.bench-out/', import.meta.url));
  mkdirSync(out, { recursive: true });
  writeFileSync(`${out}latest.md`, `${report}\n`);
  if (s.failures > 0) {
    process.stderr.write('The sandbox answered something other than 2xx under load.\n');
    process.exitCode = 1;
  }
}

await main();
