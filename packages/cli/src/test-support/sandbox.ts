// Starts the real sandbox as a process (its `mindzie-sandbox` bin) for the CLI's tests.
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';

export interface SandboxProcess {
  baseUrl: string;
  token: string;
  tenantId: string;
  projectId: string;
  adminToken: string;
  actions: Array<{ actionId: string; name: string; outcome: string; durationMs: number }>;
  blocks: Array<{ blockId: string; name: string; outcome: string; durationMs: number }>;
  /** The environment that points the CLI at this sandbox. */
  env: Record<string, string>;
  /** API requests the sandbox saw (its admin request log), optionally by operationId. */
  requests(
    operationId?: string,
  ): Promise<Array<{ method: string; path: string; operationId: string | null; status: number | null }>>;
  /**
   * Arms a sandbox fault (see the sandbox README),
   * e.g. `{ operationId: 'executeAction', kind: 'latency', ms: 1500 }`.
   */
  injectFault(spec: Record<string, unknown>): Promise<void>;
  /** Disarms every fault still armed (one a test armed but its run never reached). */
  clearFaults(): Promise<void>;
  /** GET on the API as the default tenant. */
  api(path: string): Promise<Response>;
  actionId(name: string): string;
  blockId(name: string): string;
  stop(): Promise<void>;
}

const sandboxBin = join(
  dirname(createRequire(import.meta.url).resolve('@mindzie/sandbox/package.json')),
  'bin',
  'mindzie-sandbox.js',
);

/** Spawns `mindzie-sandbox --port 0 --json` and reads its first stdout line. */
export async function startSandboxProcess(timeScale: number): Promise<SandboxProcess> {
  const child = spawn(process.execPath, [sandboxBin, '--port', '0', '--json', '--time-scale', String(timeScale)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk));
  const firstLine = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      lines.close();
      resolve(line);
    });
    child.once('exit', (code) =>
      reject(new Error(`mindzie-sandbox exited with ${code} before it was ready: ${stderr}`)),
    );
  });
  const info = JSON.parse(firstLine) as Omit<
    SandboxProcess,
    'env' | 'requests' | 'injectFault' | 'clearFaults' | 'api' | 'actionId' | 'blockId' | 'stop'
  >;
  const byName = <T extends { name: string }>(items: T[], name: string): T => {
    const found = items.find((item) => item.name === name);
    if (!found) {
      throw new Error(`The sandbox fixture has nothing named ${name}`);
    }
    return found;
  };
  return {
    ...info,
    env: {
      MINDZIE_BASE_URL: info.baseUrl,
      MINDZIE_TOKEN: info.token,
      MINDZIE_TENANT_ID: info.tenantId,
      MINDZIE_PROJECT_ID: info.projectId,
    },
    async requests(operationId) {
      const query = operationId === undefined ? '' : `?operationId=${encodeURIComponent(operationId)}`;
      const response = await fetch(`${info.baseUrl}/__sandbox/requests${query}`, {
        headers: { authorization: `Bearer ${info.adminToken}` },
      });
      return ((await response.json()) as { requests: Awaited<ReturnType<SandboxProcess['requests']>> }).requests;
    },
    async injectFault(spec) {
      const response = await fetch(`${info.baseUrl}/__sandbox/faults`, {
        method: 'POST',
        headers: { authorization: `Bearer ${info.adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(spec),
      });
      if (response.status !== 201) {
        throw new Error(`The sandbox refused the fault: ${await response.text()}`);
      }
    },
    async clearFaults() {
      await fetch(`${info.baseUrl}/__sandbox/faults`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${info.adminToken}` },
      });
    },
    api: (path) =>
      fetch(`${info.baseUrl}/api/${info.tenantId}/${info.projectId}${path}`, {
        headers: { authorization: `Bearer ${info.token}` },
      }),
    actionId: (name) => byName(info.actions, name).actionId,
    blockId: (name) => byName(info.blocks, name).blockId,
    stop: () => stop(child),
  };
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
