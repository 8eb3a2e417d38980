// The README's recipe for a client behind an HTTP proxy: a `fetch` whose dispatcher is undici's
// EnvHttpProxyAgent (HTTP_PROXY, HTTPS_PROXY, NO_PROXY), against a real proxy (the `proxy` package)
// in front of a real server.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProxy } from 'proxy';
import { EnvHttpProxyAgent, getGlobalDispatcher, setGlobalDispatcher } from 'undici';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createClient } from './index.js';
import { downloadPackageToFile } from './node.js';
import { sendJson, serversPerTest } from './test-support/http-server.js';
import { anExecution, ids, TOKEN } from './test-support/ids.js';
import { startRangeServer } from './test-support/range-server.js';
import { buildZip } from './test-support/zip.js';

const { serve, track } = serversPerTest();

/** A forward proxy on 127.0.0.1, recording the head of every tunnel (CONNECT) and forwarded request it gets. */
async function startProxy() {
  const seen: Array<{ method: string; target: string; headers: IncomingHttpHeaders }> = [];
  const sockets = new Set<Socket>();
  const proxy = createProxy(createServer());
  for (const event of ['connect', 'request'] as const) {
    proxy.on(event, (request) => seen.push({ method: request.method, target: request.url, headers: request.headers }));
  }
  proxy.on('connection', (socket: Socket) => sockets.add(socket.on('close', () => sockets.delete(socket))));
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const started = {
    url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) {
          socket.destroy();
        }
        proxy.close(() => resolve());
      }),
  };
  track(started);
  return started;
}

/** The proxy variables as a shell would set them (both spellings: undici reads the lower-case one first). */
function proxyEnvironment(variables: { HTTP_PROXY: string; NO_PROXY: string }) {
  for (const [name, value] of Object.entries({ HTTPS_PROXY: variables.HTTP_PROXY, ...variables })) {
    vi.stubEnv(name, value);
    vi.stubEnv(name.toLowerCase(), value);
  }
}

let folder: string | undefined;
afterEach(async () => {
  vi.unstubAllEnvs();
  if (folder) {
    await rm(folder, { recursive: true, force: true });
  }
  folder = undefined;
});

/** A server answering one execution and a package, and the README's client for it. */
async function serverAndClient() {
  const body = Buffer.from('PK\u0003\u0004 a package that went through a tunnel');
  const server = await serve((request, response) => {
    if (request.url?.includes('/downloadpackage/')) {
      response.writeHead(200, {
        'Content-Type': 'application/zip',
        'Content-Length': body.length,
        'Content-Disposition': 'attachment; filename="via-proxy.zip"',
      });
      return void response.end(body);
    }
    sendJson(response, 200, anExecution('Completed'));
  });
  // The README's recipe, as written there (EnvHttpProxyAgent reads the variables when it is made).
  const dispatcher = new EnvHttpProxyAgent();
  const client = createClient({
    baseUrl: server.url,
    token: TOKEN,
    tenantId: ids.tenantId,
    projectId: ids.projectId,
    fetch: (request, init) => fetch(request, { ...init, dispatcher } as RequestInit),
  });
  track(dispatcher);
  folder = await mkdtemp(join(tmpdir(), 'mindzie-proxy-'));
  const run = async () => {
    const execution = await client.getActionExecution(ids.executionId);
    const saved = await downloadPackageToFile(client, ids.executionId, { directory: folder });
    expect(execution.status).toBe('Completed');
    expect(saved.filename).toBe('via-proxy.zip');
    const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
    expect(sha256(await readFile(saved.path))).toBe(sha256(body));
    expect(server.requests.map((r) => r.method)).toEqual(['GET', 'GET']);
    expect(server.requests.every((r) => r.headers.authorization === `Bearer ${TOKEN}`)).toBe(true);
  };
  return { server, run };
}

describe("behind an HTTP proxy (undici's EnvHttpProxyAgent as the dispatcher of a fetch)", () => {
  it('sends every call and the download through the proxy in HTTP_PROXY; the proxy never sees the token', async () => {
    const proxy = await startProxy();
    proxyEnvironment({ HTTP_PROXY: proxy.url, NO_PROXY: '' });
    const { server, run } = await serverAndClient();
    await run();
    // Both requests went through tunnels the proxy opened to the server, and the token travelled inside them.
    expect(proxy.seen.length).toBeGreaterThan(0);
    expect(proxy.seen.every((s) => s.method === 'CONNECT' && s.target === new URL(server.url).host)).toBe(true);
    expect(JSON.stringify(proxy.seen)).not.toContain(TOKEN);
  });

  it('reaches a host in NO_PROXY directly', async () => {
    const proxy = await startProxy();
    proxyEnvironment({ HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' });
    const { run } = await serverAndClient();
    await run();
    expect(proxy.seen).toEqual([]);
  });
});

describe('behind an HTTP proxy set for the whole process (setGlobalDispatcher(new EnvHttpProxyAgent()))', () => {
  it('the download goes through the proxy too, and a body cut on the way is finished', async () => {
    const proxy = await startProxy();
    proxyEnvironment({ HTTP_PROXY: proxy.url, NO_PROXY: '' });
    const previous = getGlobalDispatcher();
    const dispatcher = new EnvHttpProxyAgent();
    setGlobalDispatcher(dispatcher);
    try {
      const body = buildZip({ 'results.csv': Buffer.alloc(1024 * 1024, 'r') });
      const server = await startRangeServer({ body, ranges: true, cuts: 1 });
      track(server);
      folder = await mkdtemp(join(tmpdir(), 'mindzie-proxy-'));
      // No fetch option: the client's own transport, on the process's dispatcher.
      const client = createClient({
        baseUrl: server.url,
        token: TOKEN,
        tenantId: ids.tenantId,
        projectId: ids.projectId,
      });
      const saved = await downloadPackageToFile(client, ids.executionId, { directory: folder });
      expect((await readFile(saved.path)).equals(body)).toBe(true);
      expect(server.requests.map((r) => r.headers.range)).toEqual([undefined, expect.stringMatching(/^bytes=\d+-$/)]);
      // The first tunnel was cut with the body; the resume needed a new one: the proxy opened both.
      expect(proxy.seen.filter((s) => s.method === 'CONNECT' && s.target === new URL(server.url).host)).toHaveLength(2);
    } finally {
      setGlobalDispatcher(previous);
      await dispatcher.close();
    }
  });
});
