// Starts Prism on a free port of 127.0.0.1 serving the bundled contract, for contract tests.
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { freePort } from './free-port.js';

const require = createRequire(import.meta.url);
export const specPath = require.resolve('@mindzie/spec/openapi.yaml');
const prismPackage = require.resolve('@stoplight/prism-cli/package.json');
const prismBin = join(dirname(prismPackage), (require(prismPackage) as { bin: { prism: string } }).bin.prism);

export interface RunningPrism {
  url: string;
  stop(): Promise<void>;
}

export async function startPrism(): Promise<RunningPrism> {
  const port = await freePort();
  // Node directly (not the shell wrapper) so the pid we kill is Prism itself.
  const child = spawn(process.execPath, [prismBin, 'mock', '-p', String(port), '-h', '127.0.0.1', specPath], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  child.stderr!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntilListening(url, child, () => output);
  } catch (error) {
    await stop(child);
    throw error;
  }
  return { url, stop: () => stop(child) };
}

async function waitUntilListening(url: string, child: ChildProcess, output: () => string): Promise<void> {
  // Within the 180 s hook timeout (vitest.shared.ts): at load 30 Prism took over 55 s to start.
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`Prism exited (${child.exitCode}):\n${output()}`);
    }
    try {
      await fetch(url, { signal: AbortSignal.timeout(1000) });
      return; // any HTTP answer (a 404 for /) means it is serving
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`Prism did not start within 120 s:\n${output()}`);
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
