// The README's recipe for a client behind an HTTP proxy (a `fetch` with undici's ProxyAgent),
// against a real CONNECT proxy on 127.0.0.1 in front of a real server.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProxyAgent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from './index.js';
import { downloadPackageToFile } from './node.js';
import { sendJson, serversPerTest } from './test-support/http-server.js';
import { anExecution, ids, TOKEN } from './test-support/ids.js';

const { serve, track } = serversPerTest();

interface Tunnel {
  target: string;
  headers: IncomingHttpHeaders;
  /** The port the proxy's own connection to the target came from: what the target sees. */
  fromPort?: number;
}

/** A forward proxy that only tunnels (CONNECT), recording each tunnel it opens. */
async function startConnectProxy() {
  const tunnels: Tunnel[] = [];
  const sockets = new Set<Socket>();
  const proxy = createServer((_request, response) => response.writeHead(405).end()); // plain requests: not ours
  proxy.on('connect', (request, client: Socket, head: Buffer) => {
    const tunnel: Tunnel = { target: request.url ?? '', headers: request.headers };
    tunnels.push(tunnel);
    const [host, port] = (request.url ?? '').split(':');
    const upstream = connect(Number(port), host, () => {
      tunnel.fromPort = upstream.localPort;
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client).pipe(upstream);
    });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => {}).on('close', () => sockets.delete(socket));
    }
    upstream.on('close', () => client.destroy());
    client.on('close', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const started = {
    url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    tunnels,
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

let folder: string | undefined;
afterEach(async () => {
  if (folder) {
    await rm(folder, { recursive: true, force: true });
  }
  folder = undefined;
});

describe("behind an HTTP proxy (undici's ProxyAgent as the dispatcher of a fetch)", () => {
  it('sends every call and the download through the proxy, and never shows the proxy the token', async () => {
    const body = Buffer.from('PK\u0003\u0004 a package that went through a tunnel');
    const peers: Array<number | undefined> = [];
    const server = await serve((request, response) => {
      peers.push(request.socket.remotePort);
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
    const proxy = await startConnectProxy();

    // The README's recipe, as written there.
    const dispatcher = new ProxyAgent(proxy.url);
    const client = createClient({
      baseUrl: server.url,
      token: TOKEN,
      tenantId: ids.tenantId,
      projectId: ids.projectId,
      fetch: (request, init) => fetch(request, { ...init, dispatcher } as RequestInit),
    });
    try {
      const execution = await client.getActionExecution(ids.executionId);
      folder = await mkdtemp(join(tmpdir(), 'mindzie-proxy-'));
      const saved = await downloadPackageToFile(client, ids.executionId, { directory: folder });

      expect(execution.status).toBe('Completed');
      expect(saved.filename).toBe('via-proxy.zip');
      expect(
        createHash('sha256')
          .update(await readFile(saved.path))
          .digest('hex'),
      ).toBe(createHash('sha256').update(body).digest('hex'));
      // Both requests reached the server, each over a connection the proxy opened to it.
      expect(server.requests.map((r) => r.method)).toEqual(['GET', 'GET']);
      expect(proxy.tunnels.every((t) => t.target === new URL(server.url).host)).toBe(true);
      const tunnelPorts = proxy.tunnels.map((t) => t.fromPort);
      expect(peers.every((port) => tunnelPorts.includes(port))).toBe(true);
      // The token travels inside the tunnel: the proxy never sees it.
      expect(JSON.stringify(proxy.tunnels)).not.toContain(TOKEN);
      expect(server.requests.every((r) => r.headers.authorization === `Bearer ${TOKEN}`)).toBe(true);
    } finally {
      await dispatcher.close();
    }
  });
});
