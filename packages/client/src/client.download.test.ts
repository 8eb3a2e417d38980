// downloadPackage (browser-safe): a stream, a safe file name and the size, against real servers.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type ClientOptions,
  createClient,
  type MindzieClient,
  NetworkError,
  NotFoundError,
  TimeoutError,
} from './index.js';
import { sendJson, startServer, type TestServer } from './test-support/http-server.js';
import { ids, TOKEN } from './test-support/ids.js';
import { type PackageServerOptions, randomPackage, startPackageServer } from './test-support/package-server.js';
import { buildZip, readZip } from './test-support/zip.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(
  options: PackageServerOptions,
  clientOptions: Partial<ClientOptions> = {},
): Promise<MindzieClient> {
  server = await startPackageServer(options);
  return createClient({
    baseUrl: server.url,
    token: TOKEN,
    tenantId: ids.tenantId,
    projectId: ids.projectId,
    maxRetries: 0,
    ...clientOptions,
  });
}

const readAll = async (stream: ReadableStream<Uint8Array>) => Buffer.from(await new Response(stream).arrayBuffer());

describe('downloadPackage', () => {
  it('streams a real ZIP with its file name and size', async () => {
    const zip = buildZip({
      'results.csv': Buffer.from('case,activity\n1,start\n'),
      'report/summary.txt': randomPackage(100_000),
    });
    const client = await serve({ body: zip, disposition: `attachment; filename="${ids.executionId}.zip"` });
    const download = await client.downloadPackage(ids.executionId);
    expect(download.filename).toBe(`${ids.executionId}.zip`);
    expect(download.size).toBe(zip.length);
    const received = await readAll(download.stream);
    expect(received.equals(zip)).toBe(true);
    expect(Object.keys(readZip(received))).toEqual(['results.csv', 'report/summary.txt']);
    expect(server!.requests[0]?.url).toBe(
      `/api/${ids.tenantId}/${ids.projectId}/actionexecution/downloadpackage/${ids.executionId}`,
    );
  });

  it('names the file after the execution when the server gives no name, and never a path', async () => {
    let client = await serve({ body: randomPackage(10) });
    expect((await client.downloadPackage(ids.executionId)).filename).toBe(`${ids.executionId}.zip`);
    await server!.close();
    client = await serve({ body: randomPackage(10), disposition: 'attachment; filename="../../../home/user/.bashrc"' });
    expect((await client.downloadPackage(ids.executionId)).filename).toBe('bashrc');
  });

  it('times out waiting for the response headers with a TimeoutError', async () => {
    server = await startServer(() => {}); // never answers
    const client = createClient({
      baseUrl: server.url,
      token: TOKEN,
      tenantId: ids.tenantId,
      projectId: ids.projectId,
      maxRetries: 0,
      timeoutMs: 150,
    });
    const error = await client.downloadPackage(ids.executionId).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).message).toContain('no complete response within 150 ms');
  });

  it('keeps a slow but healthy stream alive far past timeoutMs (the timeout is per chunk)', async () => {
    const body = randomPackage(12 * 1024);
    const client = await serve({ body, chunkSize: 1024, chunkDelayMs: 100 }, { timeoutMs: 500 });
    const started = performance.now();
    const received = await readAll((await client.downloadPackage(ids.executionId)).stream);
    expect(received.equals(body)).toBe(true);
    // Twice the timeout, and still fine (gaps of 100 ms leave room for a loaded machine).
    expect(performance.now() - started).toBeGreaterThan(1000);
  });

  it('does not count a slow consumer as a stalled server', async () => {
    const body = randomPackage(2 * 64 * 1024);
    // Retries cover a slow start on a busy machine; a stream that fails midway is never retried.
    const client = await serve({ body }, { timeoutMs: 500, maxRetries: 2 });
    const reader = (await client.downloadPackage(ids.executionId)).stream.getReader();
    const chunks: Uint8Array[] = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        break;
      }
      chunks.push(value);
      // Longer than the idle timeout: a timer left running while the consumer works would fire.
      await new Promise((resolve) => setTimeout(resolve, 700));
    }
    expect(Buffer.concat(chunks).equals(body)).toBe(true);
  });

  it('fails the stream with a TimeoutError when the server stalls mid-body', async () => {
    // Retries cover a slow start on a busy machine; a stream that fails midway is never retried.
    const client = await serve(
      { body: randomPackage(512 * 1024), fault: 'stall-midway' },
      { timeoutMs: 200, maxRetries: 3 },
    );
    const download = await client.downloadPackage(ids.executionId);
    const error = await readAll(download.stream).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).message).toMatch(/no data for 200 ms after \d+ bytes/);
  });

  it('still times out when the Response object was garbage-collected mid-stream', async () => {
    // undici only errors a body on abort while its Response is reachable (it keeps a WeakRef):
    // the guard must not depend on that, or a stalled download hangs forever.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const client = await serve(
      { body: randomPackage(512 * 1024), fault: 'stall-midway' },
      { timeoutMs: 300, maxRetries: 3 },
    );
    const download = await client.downloadPackage(ids.executionId);
    // Handle the rejection from the start: under load the gc loop below can outlast the 300 ms
    // timeout, and a rejection nobody listens to yet is an unhandled one.
    const outcome = expect(readAll(download.stream)).rejects.toBeInstanceOf(TimeoutError);
    for (let i = 0; i < 5; i++) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await outcome;
  });

  it('lets go of every chunk once it is read, so memory stays flat whatever the package size', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    let collected = 0;
    const registry = new FinalizationRegistry<undefined>(() => collected++);
    // The stream must still be open while we look: a closed stream drops its internals anyway.
    const client = await serve({ body: randomPackage(8 * 1024 * 1024), fault: 'stall-midway' }, { timeoutMs: 60_000 });
    const reader = (await client.downloadPackage(ids.executionId)).stream.getReader();
    let chunks = 0;
    for (let bytes = 0; bytes < 3 * 1024 * 1024; chunks++) {
      const { value } = await reader.read();
      bytes += value!.byteLength;
      registry.register(value!, undefined);
    }
    for (let i = 0; i < 20 && collected < chunks; i++) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await reader.cancel();
    expect(chunks).toBeGreaterThan(20);
    expect(collected).toBeGreaterThanOrEqual(chunks - 1);
  });

  it('fails the stream with a NetworkError when the connection drops mid-body', async () => {
    const client = await serve({ body: randomPackage(1024 * 1024), fault: 'destroy-midway' });
    const download = await client.downloadPackage(ids.executionId);
    await expect(readAll(download.stream)).rejects.toBeInstanceOf(NetworkError);
  });

  it('fails the stream with a NetworkError when the body is shorter than Content-Length', async () => {
    const client = await serve({ body: randomPackage(1024 * 1024), fault: 'short-body' });
    const download = await client.downloadPackage(ids.executionId);
    await expect(readAll(download.stream)).rejects.toBeInstanceOf(NetworkError);
  });

  it('fails the stream when a custom fetch yields more bytes than Content-Length', async () => {
    const lying: typeof fetch = async () => new Response(new Uint8Array(100), { headers: { 'Content-Length': '40' } });
    const client = createClient({
      baseUrl: 'http://127.0.0.1:9',
      token: TOKEN,
      tenantId: ids.tenantId,
      projectId: ids.projectId,
      fetch: lying,
    });
    const download = await client.downloadPackage(ids.executionId);
    expect(download.size).toBe(40);
    const error = await readAll(download.stream).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).message).toContain('Content-Length announced 40');
  });

  it('rejects the stream with the abort reason when the caller aborts mid-body', async () => {
    const client = await serve({ body: randomPackage(512 * 1024), fault: 'stall-midway' }, { timeoutMs: 60_000 });
    const controller = new AbortController();
    const download = await client.downloadPackage(ids.executionId, { signal: controller.signal });
    const reason = new Error('cancelled by user');
    const reading = readAll(download.stream);
    setTimeout(() => controller.abort(reason), 50);
    await expect(reading).rejects.toBe(reason);
  });

  it('reports a missing package as NotFoundError with its reason', async () => {
    server = await startServer((_req, res) =>
      sendJson(res, 404, { error: 'Zip file not found', executionId: ids.executionId }),
    );
    const client = createClient({
      baseUrl: server.url,
      token: TOKEN,
      tenantId: ids.tenantId,
      projectId: ids.projectId,
    });
    const error = await client.downloadPackage(ids.executionId).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).reason).toBe('Zip file not found');
    expect(server.requests).toHaveLength(1); // a 404 is an answer, not worth a retry
  });
});
