// Helpers shared by the poller's real-server tests (not part of the package's API).
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ClientOptions, createClient, type MindzieClient } from '@mindzie/client';
import { type FaultSpec, type Sandbox, startSandbox } from '@mindzie/sandbox';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { WaitOptions } from './options.js';

type ExtraClientOptions = Omit<ClientOptions, 'baseUrl' | 'token' | 'tenantId' | 'projectId'>;

/** A sandbox where every scripted duration runs `timeScale` times faster, and a client for it. */
export async function sandboxWithClient(
  timeScale = 10,
  clientOptions: ExtraClientOptions = {},
): Promise<{ sandbox: Sandbox; client: MindzieClient }> {
  const sandbox = await startSandbox({ port: 0, timeScale });
  const { baseUrl, token, tenantId, projectId } = sandbox;
  return { sandbox, client: createClient({ ...clientOptions, baseUrl, token, tenantId, projectId }) };
}

export interface SandboxTestEnv {
  sandbox: Sandbox;
  client: MindzieClient;
  /** A fresh empty folder for each test (when asked for with `folder`), removed after it. */
  folder: string;
}

/**
 * One sandbox for a test file: started before its tests, reset before each, closed after all.
 * Read `env.sandbox` / `env.client` inside tests (they are set once the file's hooks ran).
 */
export function useSandbox(
  options: { timeScale?: number; client?: ExtraClientOptions; folder?: string } = {},
): SandboxTestEnv {
  const env = {} as SandboxTestEnv;
  beforeAll(async () => {
    Object.assign(env, await sandboxWithClient(options.timeScale ?? 10, options.client));
  });
  afterAll(() => env.sandbox?.close());
  beforeEach(async () => {
    env.sandbox.admin.reset();
    if (options.folder === undefined) {
      return;
    }
    const folder = await mkdtemp(join(tmpdir(), options.folder));
    env.folder = folder;
    return () => rm(folder, { recursive: true, force: true });
  });
  return env;
}

/**
 * A client whose execute requests (action or block) wait in this process until `release()`;
 * `reached` resolves once one is there. For tests that need something to happen on the server
 * between "execute was sent" and "execute arrived", by an explicit signal rather than a delay.
 */
export function holdingExecute(sandbox: Sandbox) {
  let release!: () => void;
  let reach!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const reached = new Promise<void>((resolve) => {
    reach = resolve;
  });
  const { baseUrl, token, tenantId, projectId } = sandbox;
  const client = createClient({
    baseUrl,
    token,
    tenantId,
    projectId,
    fetch: async (request, init) => {
      if (/\/execute\b/.test(new URL((request as Request).url).pathname)) {
        reach();
        await released;
      }
      return fetch(request, init);
    },
  });
  return { client, reached, release };
}

/** The ways execute's answer can be lost after the server acted on it (`phase: 'after'`, a cut body). */
export const lostAfterExecute: Array<[string, FaultSpec]> = [
  ['a 503 after execute ran', { kind: 'status', status: 503, phase: 'after' }],
  ['a reset after execute ran', { kind: 'reset', phase: 'after' }],
  ['a stall past the request limit after execute ran', { kind: 'stall', phase: 'after' }],
  ['a cut 2xx body that looks complete', { kind: 'truncate', afterBytes: 40, length: 'cut' }],
  ['a 2xx body cut short of its Content-Length', { kind: 'truncate', afterBytes: 40 }],
  ['an HTML page on a 200 after execute ran', { kind: 'body', body: '<html>Bad gateway</html>', phase: 'after' }],
];

/** The ways execute's answer can be lost before the server acted on it (nothing created). */
export const lostBeforeExecute: Array<[string, FaultSpec]> = [
  ['a 503 before execute ran', { kind: 'status', status: 503 }],
  ['a 429 before execute ran', { kind: 'status', status: 429, retryAfter: 0 }],
  ['a reset before execute ran', { kind: 'reset' }],
  ['a stall past the request limit before execute ran', { kind: 'stall' }],
];

/** A reconcile window long enough to be sure on a busy machine, short enough for a test to wait out. */
export const testReconcile = { windowMs: 1_500 };

/** A schedule fast enough for tests against a sandbox (the shape of the defaults, scaled down). */
export const quick = {
  initialDelayMs: 40,
  factor: 1.5,
  maxDelayMs: 200,
  timeoutMs: 10_000,
} satisfies WaitOptions<never>;

/** The id of the default fixture's action or block with this name. */
export function idOf(items: Array<{ name: string; actionId?: string; blockId?: string }>, name: string): string {
  const item = items.find((i) => i.name === name);
  if (!item) {
    throw new Error(`The fixture has nothing named ${name}`);
  }
  return (item.actionId ?? item.blockId)!;
}

/**
 * A plain HTTP server for what the sandbox does not do (an unknown status, counting the
 * requests in flight). `handle` answers each request; `inFlight` and `peak` count them at the
 * server, `total` as they arrive, `sent` as the client's requests leave this process (a request
 * aborted on its way may still arrive later on a busy machine: what was sent is what counts).
 */
export async function countingServer(handle: (req: IncomingMessage, res: ServerResponse, n: number) => void) {
  let n = 0;
  const stats = { inFlight: 0, peak: 0, total: 0, sent: 0 };
  const server = createServer((req, res) => {
    stats.total += 1;
    stats.inFlight += 1;
    stats.peak = Math.max(stats.peak, stats.inFlight);
    let open = true;
    const done = () => {
      if (open) {
        stats.inFlight -= 1;
      }
      open = false;
    };
    res.on('close', done);
    handle(req, res, ++n);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const client = createClient({
    baseUrl: `http://127.0.0.1:${port}`,
    token: 'test-token',
    tenantId: '10000000-0000-4000-8000-000000000001',
    projectId: '20000000-0000-4000-8000-000000000001',
    fetch: (request, init) => {
      stats.sent += 1;
      return fetch(request, init);
    },
  });
  return {
    client,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Resolves once `condition()` holds, checking every few ms, or rejects after `ms`. */
export async function eventually(condition: () => boolean, ms = 2_000): Promise<void> {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) {
      throw new Error('condition still false');
    }
    await new Promise((r) => setTimeout(r, 5));
  }
}

export function executionJson(executionId: string, status: string) {
  return JSON.stringify({
    actionId: 'a0000000-0000-4000-8000-000000000001',
    actionExecutionId: executionId,
    dateStarted: '2024-01-15T10:30:00Z',
    dateEnded: null,
    status,
    notes: null,
  });
}
