// Retries against a real counting server: which requests are repeated, how often, how long apart.
import { describe, expect, it } from 'vitest';
import {
  type ClientOptions,
  createClient,
  type MindzieClient,
  NetworkError,
  RateLimitError,
  ServerError,
  TimeoutError,
} from './index.js';
import { type Handler, sendJson, serversPerTest, type TestServer } from './test-support/http-server.js';
import { anExecution, ids, TOKEN } from './test-support/ids.js';

const execution = anExecution('Running');

const servers = serversPerTest();

async function serve(
  handler: Handler,
  options: Partial<ClientOptions> = {},
): Promise<{ server: TestServer; client: MindzieClient }> {
  const server = await servers.serve(handler);
  const client = createClient({
    baseUrl: server.url,
    token: TOKEN,
    tenantId: ids.tenantId,
    projectId: ids.projectId,
    ...options,
  });
  return { server, client };
}

/** Fails the first `failures` requests with `status` (Retry-After: 0 keeps the test fast), then succeeds. */
function failThenSucceed(failures: number, status: number, success: unknown = execution): Handler {
  let seen = 0;
  return (_req, res) =>
    ++seen <= failures ? sendJson(res, status, { error: 'busy' }, { 'Retry-After': '0' }) : sendJson(res, 200, success);
}

const safeCalls: [string, (client: MindzieClient) => Promise<unknown>][] = [
  ['listActionExecutions', (c) => c.listActionExecutions(ids.actionId)],
  ['getLastActionExecution', (c) => c.getLastActionExecution(ids.actionId)],
  ['getActionExecution', (c) => c.getActionExecution(ids.executionId)],
  ['downloadPackage', (c) => c.downloadPackage(ids.executionId).then((d) => new Response(d.stream).arrayBuffer())],
  ['getBlockResults', (c) => c.getBlockResults(ids.blockId)],
];

describe('safe GETs are retried', () => {
  it.each(safeCalls)('%s retries a 503 and succeeds on the third attempt (default maxRetries 2)', async (_, call) => {
    const { server, client } = await serve(failThenSucceed(2, 503, { items: [] }));
    await expect(call(client)).resolves.toBeDefined();
    expect(server.requests).toHaveLength(3);
  });

  it.each([408, 429, 500, 502, 503, 504])('retries %i', async (status) => {
    const { server, client } = await serve(failThenSucceed(1, status), { maxRetries: 1 });
    await expect(client.getActionExecution(ids.executionId)).resolves.toEqual(execution);
    expect(server.requests).toHaveLength(2);
  });

  it.each([400, 401, 403, 404, 409, 422, 501])('does not retry %i', async (status) => {
    const { server, client } = await serve(failThenSucceed(1, status), { maxRetries: 3 });
    await expect(client.getActionExecution(ids.executionId)).rejects.toMatchObject({ status });
    expect(server.requests).toHaveLength(1);
  });

  it('gives up after maxRetries and throws the last error', async () => {
    const { server, client } = await serve(failThenSucceed(10, 500), { maxRetries: 3 });
    await expect(client.getActionExecution(ids.executionId)).rejects.toBeInstanceOf(ServerError);
    expect(server.requests).toHaveLength(4);
  });

  it('honours a per-call maxRetries over the client one', async () => {
    const { server, client } = await serve(failThenSucceed(10, 503), { maxRetries: 3 });
    await expect(client.getBlockResults(ids.blockId, { maxRetries: 0 })).rejects.toBeInstanceOf(ServerError);
    expect(server.requests).toHaveLength(1);
  });

  it('retries a dropped connection with backoff, asking the token function again', async () => {
    let seen = 0;
    let tokens = 0;
    const { server, client } = await serve(
      (req, res) => (++seen === 1 ? req.socket.destroy() : sendJson(res, 200, execution)),
      {
        token: () => `${TOKEN}-${++tokens}`,
      },
    );
    await expect(client.getActionExecution(ids.executionId)).resolves.toEqual(execution);
    expect(server.requests.map((r) => r.headers.authorization)).toEqual([`Bearer ${TOKEN}-1`, `Bearer ${TOKEN}-2`]);
  });

  it('retries a timed-out attempt; each attempt gets its own timeout', async () => {
    let seen = 0;
    const { server, client } = await serve((_req, res) => (++seen === 1 ? undefined : sendJson(res, 200, execution)), {
      timeoutMs: 200,
    });
    await expect(client.getActionExecution(ids.executionId)).resolves.toEqual(execution);
    expect(server.requests).toHaveLength(2);
  });

  it('waits the seconds Retry-After asks for', async () => {
    let seen = 0;
    const { server, client } = await serve((_req, res) =>
      ++seen === 1 ? sendJson(res, 429, {}, { 'Retry-After': '1' }) : sendJson(res, 200, execution),
    );
    const started = performance.now();
    await client.getActionExecution(ids.executionId);
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    expect(server.requests).toHaveLength(2);
  });

  it('does not wait for a Retry-After over a minute: the error carries it instead', async () => {
    const { server, client } = await serve((_req, res) => sendJson(res, 429, {}, { 'Retry-After': '3600' }));
    await expect(client.getActionExecution(ids.executionId)).rejects.toMatchObject({
      name: 'RateLimitError',
      retryAfterMs: 3_600_000,
    });
    expect(server.requests).toHaveLength(1);
  });

  it('an abort during the backoff rejects with the reason and sends nothing more', async () => {
    const { server, client } = await serve((_req, res) => sendJson(res, 503, {}, { 'Retry-After': '30' }));
    const controller = new AbortController();
    const pending = client.getActionExecution(ids.executionId, { signal: controller.signal });
    while (server.requests.length === 0) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const reason = new Error('shutting down');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(server.requests).toHaveLength(1);
  });
});

describe('execute-action and execute-block are never retried', () => {
  const creating: [string, (client: MindzieClient) => Promise<unknown>][] = [
    ['executeAction', (c) => c.executeAction(ids.actionId, { maxRetries: 5 })],
    ['executeBlock', (c) => c.executeBlock(ids.blockId, { parameters: { a: 1 } }, { maxRetries: 5 })],
  ];

  it.each(creating)('%s: a 503 goes straight to the caller', async (_, call) => {
    const { server, client } = await serve(failThenSucceed(5, 503), { maxRetries: 5 });
    await expect(call(client)).rejects.toBeInstanceOf(ServerError);
    expect(server.requests).toHaveLength(1);
  });

  it.each(creating)('%s: a 429 with Retry-After goes straight to the caller', async (_, call) => {
    const { server, client } = await serve(failThenSucceed(5, 429), { maxRetries: 5 });
    await expect(call(client)).rejects.toBeInstanceOf(RateLimitError);
    expect(server.requests).toHaveLength(1);
  });

  it.each(creating)('%s: a dropped connection goes straight to the caller', async (_, call) => {
    const { server, client } = await serve((req) => req.socket.destroy(), { maxRetries: 5 });
    await expect(call(client)).rejects.toBeInstanceOf(NetworkError);
    expect(server.requests).toHaveLength(1);
  });

  it.each(creating)('%s: a timeout goes straight to the caller', async (_, call) => {
    // 1 s, not less: on a loaded machine the request must reach the server before the attempt ends.
    const { server, client } = await serve(() => {}, { maxRetries: 5, timeoutMs: 1000 });
    await expect(call(client)).rejects.toBeInstanceOf(TimeoutError);
    expect(server.requests).toHaveLength(1);
  });
});
