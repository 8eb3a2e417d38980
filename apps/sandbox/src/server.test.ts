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
    expect(sandbox.admin.requests({ operationId: 'executeBlock' }).at(-1)?.status).toBe(413);
  });

  it('answers 400 to malformed JSON, saying so', async () => {
    const response = await api.get(blockPath(), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"parameters":',
    });
    expect(response.status).toBe(400);
    expect((await response.json()).message).toMatch(/Malformed JSON/);
  });

  it('answers 400 naming the parameter or field the spec rejects', async () => {
    const badId = await api.get('/actionexecution/not-a-guid');
    expect(badId.status).toBe(400);
    expect((await badId.json()).message).toMatch(/params\/executionId must match format "uuid"/);
    const badBody = await api.post(blockPath(), { parameters: 'none' });
    expect(badBody.status).toBe(400);
    expect((await badBody.json()).message).toMatch(/body\/parameters must be object/);
  });

  it('answers 415 to a body that is not JSON', async () => {
    const response = await api.get(blockPath(), {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'hello',
    });
    expect(response.status).toBe(415);
  });

  it('answers 404 to unknown paths and methods, and a HEAD creates no execution', async () => {
    expect((await fetch(`${sandbox.baseUrl}/api`)).status).toBe(404);
    expect((await api.get('/action/unknown')).status).toBe(404);
    const execute = `/action/execute/${sandbox.actions[0]!.actionId}`;
    expect((await api.get(execute, { method: 'DELETE' })).status).toBe(404);
    expect((await api.get(execute, { method: 'HEAD' })).status).toBe(404);
    const history = await (await api.get(`/actionexecution/action/${sandbox.actions[0]!.actionId}`)).json();
    expect(
      history.items.every((item: { actionExecutionId: string }) => item.actionExecutionId.startsWith('e0000000')),
    ).toBe(true);
  });

  it('survives garbage on the wire and oversized headers', async () => {
    expect(await rawRequest('THIS IS NOT HTTP\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/);
    expect(await rawRequest(`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`)).toMatch(
      /^HTTP\/1\.1 431/,
    );
    expect(await rawRequest('POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n')).toMatch(
      /HTTP\/1\.1 400 Bad Request/,
    );
    expect((await api.get(`/actionexecution/action/${sandbox.actions[0]!.actionId}`)).status).toBe(200);
  });
});
