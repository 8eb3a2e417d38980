// Downloads through the client's own HTTP/1.1 transport (a client given no fetch) against real local
// servers: what fetch did for the client (redirects, decoding, TLS) still happens, the client's own
// rules still hold, and the body goes to disk through a few reused buffers.
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer as createHttpsServer, globalAgent } from 'node:https';
import { createServer as createTcpServer, type Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClient, InvalidArgumentError, NetworkError, ServerError, TimeoutError, UnauthorizedError, type ClientOptions } from '../index.js';
import { downloadPackageToFile } from '../node.js';
import { nodeTransport } from './http-transport.js';
import { freePort } from '../test-support/free-port.js';
import { serversPerTest, type Handler } from '../test-support/http-server.js';
import { ids, TOKEN } from '../test-support/ids.js';
import { randomPackage, startRawServer } from '../test-support/package-server.js';
import { VERSION } from '../version.js';

const { serve, track } = serversPerTest();
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mindzie-http-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const packagePath = `/api/${ids.tenantId}/${ids.projectId}/actionexecution/downloadpackage/${ids.executionId}`;

const clientFor = (url: string, options: Partial<ClientOptions> = {}) =>
  createClient({ baseUrl: url, token: TOKEN, tenantId: ids.tenantId, projectId: ids.projectId, maxRetries: 0, ...options });

const sendPackage = (body: Buffer, headers: Record<string, string | number> = {}): Handler => (_req, res) => {
  res.writeHead(200, { 'Content-Type': 'application/zip', 'Content-Length': body.length, ...headers });
  res.end(body);
};

const leaks = (error: unknown) =>
  [String(error), (error as Error).message, (error as Error).stack ?? '', JSON.stringify(error), inspect(error, { depth: 10 })].some((text) => text.includes(TOKEN));

describe('downloads through the Node transport (HTTP)', () => {
  it('send the same request fetch would: path, token, User-Agent and default headers, no body', async () => {
    const server = await serve(sendPackage(randomPackage(10)));
    await downloadPackageToFile(clientFor(server.url, { headers: { 'X-Team': 'etl' } }), ids.executionId, { directory: dir });
    const [request] = server.requests;
    expect(request?.method).toBe('GET');
    expect(request?.url).toBe(packagePath);
    expect(request?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(request?.headers['user-agent']).toBe(`@mindzie/client/${VERSION}`);
    expect(request?.headers['x-team']).toBe('etl');
    expect(request?.headers['content-type']).toBeUndefined();
    expect(request?.body).toBe('');
  });

  it('follow a redirect within the origin with the token, and to another origin without it', async () => {
    const body = randomPackage(5000);
    const storage = await serve(sendPackage(body));
    const api = await serve((req, res) => {
      res.writeHead(302, { Location: req.url === packagePath ? '/moved/package.zip' : `${storage.url}/blob/package.zip?sig=abc` });
      res.end();
    });
    const saved = await downloadPackageToFile(clientFor(api.url), ids.executionId, { directory: dir });
    expect((await readFile(saved.path)).equals(body)).toBe(true);
    expect(api.requests.map((r) => [r.url, r.headers.authorization])).toEqual([
      [packagePath, `Bearer ${TOKEN}`],
      ['/moved/package.zip', `Bearer ${TOKEN}`],
    ]);
    expect(storage.requests.map((r) => [r.url, r.headers.authorization, r.headers['user-agent']])).toEqual([['/blob/package.zip?sig=abc', undefined, `@mindzie/client/${VERSION}`]]);
  });

  it('give up after 20 redirects with a NetworkError, leaving no file', async () => {
    const server = await serve((_req, res) => (res.writeHead(307, { Location: '/again' }), res.end()));
    const error = await downloadPackageToFile(clientFor(server.url), ids.executionId, { directory: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toContain('more than 20 redirects');
    expect(server.requests).toHaveLength(21);
    expect(await readdir(dir)).toEqual([]);
  });

  it('decode a gzip-encoded body, as fetch does', async () => {
    const body = Buffer.from('PK a package that compresses well '.repeat(5000));
    const server = await serve(sendPackage(gzipSync(body), { 'Content-Encoding': 'gzip' }));
    const progress: [number, number | undefined][] = [];
    const saved = await downloadPackageToFile(clientFor(server.url), ids.executionId, { directory: dir, onProgress: (bytes, total) => progress.push([bytes, total]) });
    expect(saved.bytes).toBe(body.length);
    expect((await readFile(saved.path)).equals(body)).toBe(true);
    expect(progress.at(-1)).toEqual([body.length, undefined]); // Content-Length counts the encoded bytes
  });

  it.each([
    ['stacked codings (br, then gzip)', 'br, gzip', (body: Buffer) => gzipSync(brotliCompressSync(body))],
    ['raw deflate (no zlib header)', 'deflate', (body: Buffer) => deflateRawSync(body)],
  ])('decode %s and read a folded header line, as fetch does', async (_, encoding, encode) => {
    const body = Buffer.from('PK a package that compresses well '.repeat(3000));
    const encoded = encode(body);
    const server = await startRawServer((socket) => {
      const head = [
        'HTTP/1.1 200 OK',
        `Content-Encoding: ${encoding}`,
        `Content-Length: ${encoded.length}`,
        'Content-Disposition: attachment;', // an obsolete folded line continues it
        ' filename="folded.zip"',
        'Connection: close',
      ];
      socket.end(Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'latin1'), encoded]));
    });
    track(server);
    const viaNode = await downloadPackageToFile(clientFor(server.url), ids.executionId, { directory: dir });
    const viaFetch = await downloadPackageToFile(clientFor(server.url, { fetch: globalThis.fetch }), ids.executionId, { path: join(dir, 'via-fetch.zip') });
    expect(viaNode.filename).toBe('folded.zip');
    expect((await readFile(viaNode.path)).equals(body)).toBe(true);
    expect((await readFile(viaFetch.path)).equals(body)).toBe(true); // the same bytes fetch gives
  });

  it('save a deflate body with a byte after its data, ending a moment later, as fetch does', async () => {
    const body = Buffer.from('PK a package that compresses well '.repeat(3000));
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Encoding': 'deflate', 'Content-Disposition': 'attachment; filename="late.zip"' });
      res.write(Buffer.concat([deflateSync(body), Buffer.from('\n')]));
      setTimeout(() => res.end(), 100);
    });
    const saved = await downloadPackageToFile(clientFor(server.url, { timeoutMs: 5_000 }), ids.executionId, { directory: dir });
    expect((await readFile(saved.path)).equals(body)).toBe(true);
  });

  it('fail a gzip body that is cut short, leaving no file', async () => {
    const encoded = gzipSync(randomPackage(200_000));
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Encoding': 'gzip' }); // chunked: the end looks clean, the gzip is not
      res.end(encoded.subarray(0, encoded.length - 100));
    });
    const error = await downloadPackageToFile(clientFor(server.url), ids.executionId, { directory: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(await readdir(dir)).toEqual([]);
  });

  it('retry a 503 as the client does (Retry-After), then save the package', async () => {
    const body = randomPackage(1000);
    let calls = 0;
    const server = await serve((req, res, recorded) =>
      ++calls === 1 ? (res.writeHead(503, { 'Retry-After': '0', 'Content-Type': 'text/plain' }), res.end('busy')) : sendPackage(body)(req, res, recorded),
    );
    const saved = await downloadPackageToFile(clientFor(server.url, { maxRetries: 1 }), ids.executionId, { directory: dir });
    expect((await readFile(saved.path)).equals(body)).toBe(true);
    expect(server.requests).toHaveLength(2);
  });

  it('map errors as the client does, and mask the token a server echoes', async () => {
    const server = await serve((req, res) => {
      res.writeHead(req.headers['x-fail'] === 'server' ? 500 : 401, { 'Content-Type': 'text/plain' });
      res.end(`Token ${req.headers.authorization} is expired`);
    });
    const unauthorized = await downloadPackageToFile(clientFor(server.url), ids.executionId, { directory: dir }).catch((e: unknown) => e);
    expect(unauthorized).toBeInstanceOf(UnauthorizedError);
    expect(unauthorized).toMatchObject({ status: 401, method: 'GET', path: packagePath, body: 'Token Bearer [REDACTED] is expired' });
    expect(leaks(unauthorized)).toBe(false);
    const failed = await downloadPackageToFile(clientFor(server.url, { headers: { 'X-Fail': 'server' } }), ids.executionId, { directory: dir }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(ServerError);
    expect(leaks(failed)).toBe(false);
  });

  it('time out waiting for the response headers with a TimeoutError', async () => {
    const server = await serve(() => {}); // never answers
    const error = await downloadPackageToFile(clientFor(server.url, { timeoutMs: 150 }), ids.executionId, { directory: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toBe(`GET ${packagePath}: no complete response within 150 ms`);
  });

  it('save a chunked body, skipping an interim 103 response before the real one', async () => {
    const body = randomPackage(300_000);
    const server = await serve((_req, res) => {
      res.writeEarlyHints({ link: '</style.css>; rel=preload' });
      res.writeHead(200, { 'Content-Type': 'application/zip' }); // no length: chunked
      res.write(body.subarray(0, 1000));
      setTimeout(() => res.end(body.subarray(1000)), 20);
    });
    const saved = await downloadPackageToFile(clientFor(server.url), ids.executionId, { directory: dir });
    expect((await readFile(saved.path)).equals(body)).toBe(true);
  });

  it('fail a body cut short of its Content-Length with a NetworkError, leaving no file', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/zip', 'Content-Length': 100_000 });
      res.write(randomPackage(40_000), () => res.destroy());
    });
    const error = await downloadPackageToFile(clientFor(server.url), ids.executionId, { directory: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(await readdir(dir)).toEqual([]);
  });

  it('fail a response that is not HTTP with a NetworkError, leaving no file', async () => {
    const sockets: Socket[] = [];
    const tcp = createTcpServer((socket: Socket) => (sockets.push(socket), socket.end('SSH-2.0-OpenSSH_9.2\r\n\r\n')));
    await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
    track({ close: () => new Promise<void>((resolve) => (sockets.forEach((socket) => socket.destroy()), tcp.close(() => resolve()))) });
    const error = await downloadPackageToFile(clientFor(`http://127.0.0.1:${(tcp.address() as AddressInfo).port}`), ids.executionId, { directory: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toContain('not an HTTP/1.1 status line');
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuse a header value that would split the request, sending nothing and naming the header, not its value', async () => {
    const server = await serve(sendPackage(randomPackage(10)));
    // createClient refuses it first; the transport refuses it too, whoever calls it.
    expect(() => clientFor(server.url, { headers: { 'X-Team': 'etl\r\nX-Injected: yes' } })).toThrow(InvalidArgumentError);
    const url = `${server.url}/api/${ids.tenantId}/${ids.projectId}/actionexecution/downloadpackage/${ids.executionId}`;
    const headers = { 'X-Team': 'etl\r\nX-Injected: yes' };
    const error = await Promise.resolve()
      .then(() => nodeTransport(url, { method: 'GET', headers, body: undefined, signal: new AbortController().signal }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toContain('"X-Team"');
    expect((error as Error).message).not.toContain('Injected');
    expect(server.requests).toEqual([]);
  });

  it('hold a large body in a few reused buffers, not one per socket read', async () => {
    const body = randomPackage(64 * 2 ** 20);
    const server = await serve(sendPackage(body));
    const before = process.memoryUsage().arrayBuffers;
    let peak = 0;
    const saved = await downloadPackageToFile(clientFor(server.url), ids.executionId, {
      directory: dir,
      onProgress: () => (peak = Math.max(peak, process.memoryUsage().arrayBuffers - before)),
    });
    expect(saved.bytes).toBe(body.length);
    // Three or four 1 MiB batches and the read buffer; Node's HTTP client would leave 64 KiB per read to the GC.
    expect(peak).toBeLessThan(8 * 2 ** 20);
  });

  it('report a refused connection as a NetworkError with its code, and no token anywhere', async () => {
    const client = clientFor(`http://127.0.0.1:${await freePort()}`);
    const error = await downloadPackageToFile(client, ids.executionId, { directory: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toContain('ECONNREFUSED');
    expect(((error as Error).cause as { code?: string }).code).toBe('ECONNREFUSED');
    expect(leaks(error)).toBe(false);
  });
});

describe('downloads through the Node transport (HTTPS)', () => {
  /** A real TLS server with a fresh self-signed certificate for 127.0.0.1 and localhost; records the SNI names it was asked for. */
  const serverNames: (string | false | null)[] = [];
  async function startTlsServer(body: Buffer) {
    const tls = await mkdtemp(join(dir, 'tls-'));
    const key = join(tls, 'key.pem');
    const cert = join(tls, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', key, '-out', cert], { stdio: 'ignore' });
    const pem = { key: await readFile(key), cert: await readFile(cert) };
    const server = createHttpsServer(pem, (req, res) => {
      serverNames.push((req.socket as TLSSocket).servername);
      sendPackage(body)(req, res, undefined as never);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    track({ close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))) });
    return { url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, cert: pem.cert };
  }

  it('verify the certificate: an untrusted one is a NetworkError and leaves no file', async () => {
    const { url } = await startTlsServer(randomPackage(100));
    const error = await downloadPackageToFile(clientFor(url), ids.executionId, { directory: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toMatch(/self[- ]signed certificate/);
    expect((await readdir(dir)).filter((name) => !name.startsWith('tls-'))).toEqual([]);
  });

  it('save the package from a server whose certificate Node trusts, naming the host (SNI) but not an IP', async () => {
    const body = randomPackage(100_000);
    const { url, cert } = await startTlsServer(body);
    const trusted = globalAgent.options.ca;
    globalAgent.options.ca = cert; // what NODE_EXTRA_CA_CERTS would do for the whole process
    serverNames.length = 0;
    try {
      const saved = await downloadPackageToFile(clientFor(url), ids.executionId, { directory: dir });
      expect((await readFile(saved.path)).equals(body)).toBe(true);
      const byName = await downloadPackageToFile(clientFor(url.replace('127.0.0.1', 'localhost')), ids.executionId, { path: join(dir, 'by-name.zip') });
      expect((await readFile(byName.path)).equals(body)).toBe(true);
      expect(serverNames).toEqual([false, 'localhost']);
    } finally {
      globalAgent.options.ca = trusted;
    }
  });
});
