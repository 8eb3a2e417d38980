// Helpers shared by the poller's real-server tests (not part of the package's API).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient, type MindzieClient } from '@mindzie/client';
import { type Sandbox, startSandbox } from '@mindzie/sandbox';
import type { WaitOptions } from './options.js';

/** A sandbox where every scripted duration runs `timeScale` times faster, and a client for it. */
export async function sandboxWithClient(timeScale = 10): Promise<{ sandbox: Sandbox; client: MindzieClient }> {
  const sandbox = await startSandbox({ port: 0, timeScale });
  const { baseUrl, token, tenantId, projectId } = sandbox;
  return { sandbox, client: createClient({ baseUrl, token, tenantId, projectId }) };
}

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
 * requests in flight). `handle` answers each request; `inFlight` and `peak` count them.
 */
export async function countingServer(handle: (req: IncomingMessage, res: ServerResponse, n: number) => void) {
  let n = 0;
  const stats = { inFlight: 0, peak: 0, total: 0 };
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
