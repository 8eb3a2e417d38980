// @mindzie/client/raw against a real local node:http server: auth, headers, option checks, redaction.
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { type ClientOptions, InvalidArgumentError } from './index.js';
import { createRawClient } from './raw.js';
import { freePort } from './test-support/free-port.js';
import { type Handler, sendJson, startServer, type TestServer } from './test-support/http-server.js';
import { anExecution, ids, TOKEN } from './test-support/ids.js';
import { VERSION } from './version.js';

const execution = anExecution('Queued');
const path = { tenantId: ids.tenantId, projectId: ids.projectId, executionId: ids.executionId };

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(handler: Handler, options: Partial<ClientOptions> = {}) {
  server = await startServer(handler);
  const raw = createRawClient({
    baseUrl: `${server.url}/mindzie`,
    token: TOKEN,
    tenantId: ids.tenantId,
    projectId: ids.projectId,
    ...options,
  });
  return { server, raw };
}

const leaks = (value: unknown) =>
  [String(value), JSON.stringify(value), inspect(value, { depth: 10 })].some((text) => text.includes(TOKEN));

describe('createRawClient', () => {
  it('sends a fresh token per request, the User-Agent and default headers, under the base URL', async () => {
    let issued = 0;
    const { server, raw } = await serve((_req, res) => sendJson(res, 200, execution), {
      token: async () => `${TOKEN}-${++issued}`,
      headers: { 'X-Team': 'etl' },
    });
    for (let i = 0; i < 2; i++) {
      const { data } = await raw.GET('/api/{tenantId}/{projectId}/actionexecution/{executionId}', { params: { path } });
      expect(data?.status).toBe('Queued');
    }
    expect(server.requests.map((r) => r.url)).toEqual(
      Array(2).fill(`/mindzie/api/${ids.tenantId}/${ids.projectId}/actionexecution/${ids.executionId}`),
    );
    expect(server.requests.map((r) => r.headers.authorization)).toEqual([`Bearer ${TOKEN}-1`, `Bearer ${TOKEN}-2`]);
    expect(server.requests[0]?.headers['x-team']).toBe('etl');
    expect(server.requests[0]?.headers['user-agent']).toBe(`@mindzie/client/${VERSION}`);
  });

  it('checks its options as createClient does, before anything is sent', () => {
    const options = { baseUrl: 'https://x.example', token: TOKEN, tenantId: ids.tenantId, projectId: ids.projectId };
    for (const [argument, bad] of [
      ['baseUrl', { baseUrl: 'https://x.example/api' }],
      ['token', { token: '' }],
      ['tenantId', { tenantId: 'nope' }],
      ['headers', { headers: { Authorization: `Bearer ${TOKEN}` } }],
    ] as const) {
      const error = (() => {
        try {
          createRawClient({ ...options, ...bad });
        } catch (e) {
          return e;
        }
      })();
      expect(error, argument).toBeInstanceOf(InvalidArgumentError);
      expect((error as InvalidArgumentError).argument).toBe(argument);
      expect(leaks(error)).toBe(false);
    }
  });

  it('returns errors as values, sends once (no retries), and masks the token a server echoes in them', async () => {
    let json = false;
    const { server, raw } = await serve((req, res) => {
      const echoed = `Token ${req.headers.authorization} is expired`;
      if (json) {
        sendJson(res, 503, { message: echoed, nested: [{ header: req.headers.authorization }] });
      } else {
        res.writeHead(401, { 'Content-Type': 'text/plain' }).end(echoed);
      }
    });
    const unauthorized = await raw.GET('/api/{tenantId}/{projectId}/actionexecution/{executionId}', {
      params: { path },
    });
    expect(unauthorized.response.status).toBe(401);
    expect(unauthorized.error).toBe('Token Bearer [REDACTED] is expired');
    json = true;
    const unavailable = await raw.GET('/api/{tenantId}/{projectId}/actionexecution/{executionId}', {
      params: { path },
    });
    expect(unavailable.response.status).toBe(503);
    expect(unavailable.error).toEqual({
      message: 'Token Bearer [REDACTED] is expired',
      nested: [{ header: 'Bearer [REDACTED]' }],
    });
    expect(leaks(unavailable.error)).toBe(false);
    expect(server.requests).toHaveLength(2);
  });

  it('leaves a success body as the server sent it', async () => {
    const { raw } = await serve((req, res) =>
      sendJson(res, 200, { ...execution, notes: `sent with ${req.headers.authorization}` }),
    );
    const { data } = await raw.GET('/api/{tenantId}/{projectId}/actionexecution/{executionId}', { params: { path } });
    expect(data?.notes).toBe(`sent with Bearer ${TOKEN}`);
  });

  it('masks the token when the fetch it was given fails with it in the message', async () => {
    const leakyFetch: typeof fetch = async (input) => {
      const auth = (input as Request).headers.get('Authorization');
      throw new TypeError(`fetch failed for ${auth}`, { cause: new Error(`socket hang up (${auth})`) });
    };
    const raw = createRawClient({
      baseUrl: 'http://127.0.0.1:9',
      token: TOKEN,
      tenantId: ids.tenantId,
      projectId: ids.projectId,
      fetch: leakyFetch,
    });
    const error = await raw
      .GET('/api/{tenantId}/{projectId}/actionexecution/{executionId}', { params: { path } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain('[REDACTED]');
    expect(leaks(error)).toBe(false);
  });

  it('keeps a failure that does not mention the token as it was (its code stays readable)', async () => {
    const raw = createRawClient({
      baseUrl: `http://127.0.0.1:${await freePort()}`,
      token: TOKEN,
      tenantId: ids.tenantId,
      projectId: ids.projectId,
    });
    const error = await raw
      .GET('/api/{tenantId}/{projectId}/actionexecution/{executionId}', { params: { path } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError); // undici's "fetch failed", ECONNREFUSED in its cause
    expect(((error as Error).cause as { code?: string }).code).toBe('ECONNREFUSED');
  });
});
