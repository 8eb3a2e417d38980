// Runs Prism (the stateless contract mock) as a child process on a free loopback port:
// `prism proxy` in front of a sandbox for the contract suite, `prism mock` for benchmarks.
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
/** Path of the bundled document (spec/dist/openapi.json); Prism reads it from disk. */
const specPath = require.resolve('@mindzie/spec/openapi.json');
const prismBin = join(dirname(require.resolve('@stoplight/prism-cli/package.json')), 'dist', 'index.js');

export interface RunningPrism {
  baseUrl: string;
  process: ChildProcess;
  close(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** `prism mock SPEC` or `prism proxy SPEC UPSTREAM`; resolves once Prism says it listens. */
export async function startPrism(mode: 'mock' | 'proxy', upstream?: string): Promise<RunningPrism> {
  const port = await freePort();
  const args = [
    prismBin,
    mode,
    specPath,
    ...(upstream ? [upstream] : []),
    '--port',
    String(port),
    '--host',
    '127.0.0.1',
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Prism did not start within 120 s:\n${output}`)), 120_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Prism is listening')) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        child.stderr!.off('data', onData);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Prism exited with ${code}:\n${output}`));
    });
  });
  // Keep draining its log so it never blocks on a full pipe.
  child.stdout!.resume();
  child.stderr!.resume();
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    process: child,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) {
          return resolve();
        }
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
