import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from './index.ts';
import { bodyLimit } from './server.ts';
import { apiOf, seeded } from './test-support.ts';

let sandbox: Sandbox;
let api: ReturnType<typeof apiOf>;
beforeAll(async () => {
  sandbox = await startSandbox();
  api = apiOf(sandbox);
});
afterAll(() => sandbox.close());

const blockPath = () => `/block/${seeded(sandbox.blocks, 'Revenue filter').blockId}/execute`;

/** Sends raw bytes and returns whatever comes back before the server closes or 2 s pass. */
function rawRequest(bytes: string): Promise<string> {
  const { port } = new URL(sandbox.baseUrl);
  return new Promise((resolve) => {
    const socket = connect(Number(port), '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.on('close', () => resolve(answer));
    socket.on('error', () => resolve(answer));
    socket.setTimeout(2000, () => socket.destroy());
    socket.write(bytes);
  });
}

describe('hardening', () => {
  it('refuses a body above the limit with 413', async () => {
    const response = await api.post(blockPath(), { parameters: { padding: 'x'.repeat(bodyLimit) } });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ error: `Request body too large: the limit is ${bodyLimit} bytes` });
    expect(sandbox.admin.requests({ operationId: 'executeBlock' }).at(-1)?.status).toBe(413);
  });

  it('answers 400 to malformed JSON, saying so', async () => {
    const response = await api.get(blockPath(), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"parameters":',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: expect.stringMatching(/^Malformed JSON body/) });
  });

  it('answers 400 naming the parameter or field the spec rejects', async () => {
    const badId = await api.get('/actionexecution/not-a-guid');
    expect(badId.status).toBe(400);
    expect(await badId.json()).toEqual({
      error: 'Invalid request: path parameter executionId must match format "uuid"',
    });
    const longId = await api.get(`/actionexecution/${'a'.repeat(3000)}`);
    expect(await longId.json()).toEqual({
      error: 'Invalid request: path parameter executionId must NOT have more than 36 characters',
    });
    const badBody = await api.post(blockPath(), { parameters: 'none' });
    expect(badBody.status).toBe(400);
    expect(await badBody.json()).toEqual({ error: 'Invalid request: body parameters must be object' });
  });

  it('answers 415 to a body that is not JSON, and takes an empty body whatever its Content-Type', async () => {
    const response = await api.get(blockPath(), {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'hello',
    });
    expect(response.status).toBe(415);
    expect(await response.json()).toEqual({
      error: 'Unsupported media type: a text/plain body; a request body must be application/json',
    });
    // What generated clients send for an optional body left out (an empty JSON or form body).
    for (const type of ['application/json', 'application/x-www-form-urlencoded', 'text/plain']) {
      const empty = await api.get(blockPath(), { method: 'POST', headers: { 'content-type': type }, body: '' });
      expect(empty.status, type).toBe(202);
    }
    const statuses = sandbox.admin.requests({ operationId: 'executeBlock' }).map((entry) => entry.status);
    expect(statuses.slice(-3)).toEqual([202, 202, 202]);
  });

  it('answers 405 with Allow to a method a known path lacks, QUERY included; 404 to unknown paths', async () => {
    const execute = `/action/execute/${sandbox.actions[0]!.actionId}`;
    for (const method of ['DELETE', 'PUT', 'PATCH', 'POST', 'OPTIONS', 'QUERY', 'HEAD']) {
      const response = await api.get(execute, { method });
      expect(response.status, method).toBe(405);
      expect(response.headers.get('allow'), method).toBe('GET');
      if (method !== 'HEAD') {
        expect(await response.json(), method).toEqual({
          error: `Method ${method} is not allowed here; this path takes GET`,
        });
      }
    }
    // fetch refuses to send TRACE (a forbidden method): written by hand, it gets the same answer.
    const { host } = new URL(sandbox.baseUrl);
    const trace = await rawRequest(
      `TRACE ${new URL(api.root).pathname}${execute} HTTP/1.1\r\nHost: ${host}\r\n` +
        `Authorization: Bearer ${sandbox.token}\r\nConnection: close\r\n\r\n`,
    );
    expect(trace).toMatch(/^HTTP\/1\.1 405 /);
    expect(trace).toMatch(/\r\nallow: GET\r\n/i);
    expect(trace).toContain('{"error":"Method TRACE is not allowed here; this path takes GET"}');
    const block = await api.get(blockPath(), { method: 'GET' });
    expect([block.status, block.headers.get('allow')]).toEqual([405, 'POST']);
    expect(await (await fetch(`${sandbox.baseUrl}/api`)).json()).toEqual({ error: 'No such path: GET /api' });
    expect((await api.get('/action/unknown')).status).toBe(404);
    expect((await api.get(`${execute}/`)).status).toBe(404);
    // Neither a HEAD nor any other method created an execution.
    const history = await (await api.get(`/actionexecution/action/${sandbox.actions[0]!.actionId}`)).json();
    expect(
      history.items.every((item: { actionExecutionId: string }) => item.actionExecutionId.startsWith('e0000000')),
    ).toBe(true);
  });

  it('survives garbage on the wire and oversized headers', async () => {
    const garbage = await rawRequest('THIS IS NOT HTTP\r\n\r\n');
    expect(garbage).toMatch(/^HTTP\/1\.1 400/);
    expect(garbage).toMatch(/\r\n\r\n\{"error":"Malformed HTTP request"\}$/);
    const big = await rawRequest(`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(big).toMatch(/^HTTP\/1\.1 431/);
    expect(big).toMatch(/\r\n\r\n\{"error":"Request headers too large: the limit is 16 KiB in all"\}$/);
    expect(await rawRequest('POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n')).toMatch(
      /HTTP\/1\.1 400 Bad Request/,
    );
    expect((await api.get(`/actionexecution/action/${sandbox.actions[0]!.actionId}`)).status).toBe(200);
  });
});
