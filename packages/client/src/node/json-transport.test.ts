// The JSON calls of the Node build's client (no fetch given) go through node:http against real
// local servers: same requests, same answers, same errors as through fetch, connections reused.
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { NetworkError, NotFoundError, TimeoutError, type ClientOptions } from '../index.js';
import { createClient } from '../index.node.js';
import { freePort } from '../test-support/free-port.js';
import { sendJson, serversPerTest } from '../test-support/http-server.js';
import { anExecution, ids, TOKEN } from '../test-support/ids.js';
import { VERSION } from '../version.js';

const { serve } = serversPerTest();

const clientFor = (url: string, options: Partial<ClientOptions> = {}) =>
  createClient({ baseUrl: url, token: TOKEN, tenantId: ids.tenantId, projectId: ids.projectId, maxRetries: 0, ...options });

const executionPath = `/api/${ids.tenantId}/${ids.projectId}/actionexecution/${ids.executionId}`;

/** Replaces the global fetch with one that counts its calls (and still fetches). */
function countFetch() {
  const original = globalThis.fetch;
  const counter = { calls: 0, restore: () => void (globalThis.fetch = original) };
  globalThis.fetch = ((...args: Parameters<typeof fetch>) => (counter.calls++, original(...args))) as typeof fetch;
  return counter;
}

describe('JSON calls of the Node build', () => {
  it('go through node:http, never the global fetch, with the same request fetch would send, on one reused connection', async () => {
    const execution = anExecution('Running');
    const ports = new Set<number>();
    const server = await serve((req, res) => (ports.add(req.socket.remotePort!), sendJson(res, 200, execution)));
    const fetches = countFetch();
    try {
      const client = clientFor(server.url, { headers: { 'X-Team': 'etl' } });
      for (let i = 0; i < 3; i++) expect(await client.getActionExecution(ids.executionId)).toEqual(execution);
    } finally {
      fetches.restore();
    }
    expect(fetches.calls).toBe(0);
    expect(server.requests.map((r) => [r.method, r.url, r.headers.authorization, r.headers['user-agent'], r.headers['x-team']])).toEqual(
      Array(3).fill(['GET', executionPath, `Bearer ${TOKEN}`, `@mindzie/client/${VERSION}`, 'etl']),
    );
    expect(ports.size).toBe(1); // keep-alive, as fetch
  });

  it('leave downloadPackage on fetch: its body is a web stream', async () => {
    const body = Buffer.from('PK\x03\x04 a small package');
    const server = await serve((_req, res) => res.writeHead(200, { 'Content-Type': 'application/zip', 'Content-Length': body.length }).end(body));
    const fetches = countFetch();
    try {
      const { stream, size } = await clientFor(server.url).downloadPackage(ids.executionId);
      expect(size).toBe(body.length);
      expect(Buffer.from(await new Response(stream).arrayBuffer()).equals(body)).toBe(true);
    } finally {
      fetches.restore();
    }
    expect(fetches.calls).toBe(1);
  });

  it('use the fetch the client was given instead', async () => {
    const server = await serve((_req, res) => sendJson(res, 200, anExecution('Running')));
    let calls = 0;
    const client = clientFor(server.url, { fetch: (...args) => (calls++, fetch(...args)) });
    await client.getActionExecution(ids.executionId);
    expect(calls).toBe(1);
  });

  it('send a block execution as JSON, and map a 404 to its documented reason', async () => {
    const server = await serve((_req, res) => sendJson(res, 404, { Error: 'Block not found', BlockId: ids.blockId }));
    const error = await clientFor(server.url).executeBlock(ids.blockId, { parameters: { region: 'EU' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ status: 404, reason: 'Block not found' });
    expect(server.requests[0]).toMatchObject({ method: 'POST', body: '{"parameters":{"region":"EU"}}' });
    expect(server.requests[0]?.headers['content-type']).toBe('application/json');
  });

  it('follow redirects as fetch does: the token only within the origin, a 303 after a POST becomes a GET', async () => {
    const execution = anExecution('Running');
    const other = await serve((_req, res) => sendJson(res, 202, execution));
    const api = await serve((req, res) => {
      if (req.method === 'POST') return res.writeHead(303, { Location: '/moved' }).end();
      return res.writeHead(302, { Location: `${other.url}/elsewhere` }).end();
    });
    expect(await clientFor(api.url).executeBlock(ids.blockId, {})).toEqual(execution);
    expect(api.requests.map((r) => [r.method, r.url, r.headers.authorization])).toEqual([
      ['POST', `/api/${ids.tenantId}/${ids.projectId}/block/${ids.blockId}/execute`, `Bearer ${TOKEN}`],
      ['GET', '/moved', `Bearer ${TOKEN}`],
    ]);
    expect(other.requests.map((r) => [r.method, r.url, r.headers.authorization, r.body])).toEqual([['GET', '/elsewhere', undefined, '']]);
  });

  it.each([
    ['gzip', (text: string) => gzipSync(text)],
    ['br, gzip', (text: string) => gzipSync(brotliCompressSync(text))],
    ['deflate', (text: string) => deflateRawSync(text)], // raw, without the zlib header
  ])('decode a %s body, as fetch does', async (encoding, encode) => {
    const execution = anExecution('Running');
    const server = await serve((_req, res) => res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': encoding }).end(encode(JSON.stringify(execution))));
    expect(await clientFor(server.url).getActionExecution(ids.executionId)).toEqual(execution);
  });

  it('read a deflate body with a byte after its data, ending a moment later, as fetch does', async () => {
    const execution = anExecution('Running');
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'deflate' });
      res.write(Buffer.concat([deflateSync(JSON.stringify(execution)), Buffer.from('\n')]));
      setTimeout(() => res.end(), 100);
    });
    expect(await clientFor(server.url, { timeoutMs: 5_000 }).getActionExecution(ids.executionId)).toEqual(execution);
  });

  it('time out with a TimeoutError, and reject with the abort reason', async () => {
    const server = await serve(() => {}); // never answers
    const timedOut = await clientFor(server.url, { timeoutMs: 100 }).getActionExecution(ids.executionId).catch((e: unknown) => e);
    expect(timedOut).toBeInstanceOf(TimeoutError);
    const reason = new Error('stop');
    const controller = new AbortController();
    setTimeout(() => controller.abort(reason), 50);
    expect(await clientFor(server.url).getActionExecution(ids.executionId, { signal: controller.signal }).catch((e: unknown) => e)).toBe(reason);
  });

  it('report a refused connection as a NetworkError that names the cause and not the token', async () => {
    const error = await clientFor(`http://127.0.0.1:${await freePort()}`).getActionExecution(ids.executionId).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toContain('ECONNREFUSED');
    expect(JSON.stringify(error) + String(error) + (error as Error).stack).not.toContain(TOKEN);
  });
});
