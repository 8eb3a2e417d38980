// The client against a real local node:http server that counts what it receives.
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  ApiError,
  type ClientOptions,
  createClient,
  InvalidArgumentError,
  type MindzieClient,
  MindzieError,
  NetworkError,
  NotFoundError,
  RateLimitError,
  ServerError,
  TimeoutError,
  UnauthorizedError,
} from './index.js';
import { freePort } from './test-support/free-port.js';
import { type Handler, sendJson, serversPerTest, type TestServer } from './test-support/http-server.js';
import { anExecution, ids, TOKEN } from './test-support/ids.js';

const execution = anExecution('Queued');

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
    maxRetries: 0,
    ...options,
  });
  return { server, client };
}

/** Every task method, called with one malformed id in the given position. */
const callsWithBadIds: [string, string, (client: MindzieClient) => Promise<unknown>][] = [
  ['executeAction', 'actionId', (c) => c.executeAction('not-a-guid')],
  ['listActionExecutions', 'actionId', (c) => c.listActionExecutions('1234')],
  ['getLastActionExecution', 'actionId', (c) => c.getLastActionExecution('')],
  ['getActionExecution', 'executionId', (c) => c.getActionExecution(`${ids.executionId}x`)],
  ['downloadPackage', 'executionId', (c) => c.downloadPackage('../../etc/passwd')],
  ['executeBlock', 'blockId', (c) => c.executeBlock('{blockId}')],
  ['getBlockResults', 'blockId', (c) => c.getBlockResults(undefined as unknown as string)],
  ['getActionExecution (tenant override)', 'tenantId', (c) => c.getActionExecution(ids.executionId, { tenantId: 'x' })],
  [
    'executeAction (project override)',
    'projectId',
    (c) => c.executeAction(ids.actionId, { projectId: '00000000-0000-0000-0000-00000000000g' }),
  ],
];

describe('arguments checked locally', () => {
  it.each(callsWithBadIds)('%s rejects a malformed %s and sends nothing', async (_, argument, call) => {
    const { server, client } = await serve((_req, res) => sendJson(res, 200, execution));
    const error = await call(client).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).argument).toBe(argument);
    expect((error as Error).message).toContain(argument);
    expect(server.requests).toHaveLength(0);
  });

  it('rejects execute-block bodies that are not JSON objects, before sending', async () => {
    const { server, client } = await serve((_req, res) => sendJson(res, 202, {}));
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const bad = [
      [{ parameters: 5 }, 'parameters'],
      [{ parameters: [1, 2] }, 'parameters'],
      [[], 'body'],
      ['text', 'body'],
      [{ parameters: circular }, 'body'],
      [{ parameters: { n: 10n } }, 'body'],
    ] as const;
    for (const [body, argument] of bad) {
      const error = await client.executeBlock(ids.blockId, body as never).catch((e: unknown) => e);
      expect(error, JSON.stringify(argument)).toBeInstanceOf(InvalidArgumentError);
      expect((error as InvalidArgumentError).argument).toBe(argument);
    }
    expect(server.requests).toHaveLength(0);
  });

  it.each([
    ['baseUrl', { baseUrl: 'your-instance.com' }],
    ['baseUrl', { baseUrl: 'https://x.example/api' }],
    ['baseUrl', { baseUrl: 'ftp://x.example' }],
    ['baseUrl', { baseUrl: 'https://user:pw@x.example' }],
    ['tenantId', { tenantId: 'tenant' }],
    ['projectId', { projectId: 42 as unknown as string }],
    ['token', { token: '' }],
    ['token', { token: 12 as unknown as string }],
    ['timeoutMs', { timeoutMs: 0 }],
    ['timeoutMs', { timeoutMs: Number.NaN }],
    ['maxRetries', { maxRetries: -1 }],
    ['maxRetries', { maxRetries: 1.5 }],
    ['headers', { headers: { Authorization: 'Bearer other' } }],
    ['headers', { headers: { 'X-Count': 1 as unknown as string } }],
    ['headers', { headers: { 'X-Trace': 'a\r\nX-Injected: 1' } }],
    ['headers', { headers: { 'X Trace': 'a' } }],
    ['headers', { headers: { 'X-Name': 'Zoë 日本' } }],
    ['userAgent', { userAgent: 'etl/1.0\nX-Injected: 1' }],
    ['token', { token: `${TOKEN} 日本` }],
  ] as const)('createClient names the bad option %s', (argument, override) => {
    const options = {
      baseUrl: 'https://x.example',
      token: TOKEN,
      tenantId: ids.tenantId,
      projectId: ids.projectId,
      ...override,
    };
    const error = (() => {
      try {
        createClient(options as ClientOptions);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).argument).toBe(argument);
  });

  it.each([
    [
      'getActionExecution',
      (c: MindzieClient) => c.getActionExecution(ids.executionId, { headers: { 'X-Trace': 'a\r\nX-Injected: 1' } }),
    ],
    ['executeAction', (c: MindzieClient) => c.executeAction(ids.actionId, { headers: { 'X-Trace': 'a\nb' } })],
  ])(
    '%s refuses a per-call header with a line break: InvalidArgumentError, nothing sent, nothing retried',
    async (_, call) => {
      const { server, client } = await serve((_req, res) => sendJson(res, 200, execution), { maxRetries: 2 });
      const error = await call(client).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect((error as InvalidArgumentError).argument).toBe('headers');
      expect(server.requests).toHaveLength(0);
    },
  );

  it('never echoes a rejected token in the error', async () => {
    const { server, client } = await serve((_req, res) => sendJson(res, 200, execution), {
      token: () => `${TOKEN}\r\nX-Evil: 1`,
    });
    const error = await client.getActionExecution(ids.executionId).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).argument).toBe('token');
    expect(inspect(error)).not.toContain(TOKEN);
    expect(server.requests).toHaveLength(0);
  });
});

describe('requests', () => {
  it('sends the bearer token, a User-Agent, default and per-call headers, to the path under the base URL', async () => {
    const server = await servers.serve((_req, res) => sendJson(res, 200, execution));
    const client = createClient({
      baseUrl: `${server.url}/mindzie/`,
      token: TOKEN,
      tenantId: ids.tenantId,
      projectId: ids.projectId,
      headers: { 'X-Team': 'etl' },
    });
    await client.getActionExecution(ids.executionId, { headers: { 'X-Request-Id': 'r1' } });
    const [request] = server.requests;
    expect(request?.url).toBe(`/mindzie/api/${ids.tenantId}/${ids.projectId}/actionexecution/${ids.executionId}`);
    expect(request?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(request?.headers['user-agent']).toMatch(/^@mindzie\/client\/\d+\.\d+\.\d+/);
    expect(request?.headers['x-team']).toBe('etl');
    expect(request?.headers['x-request-id']).toBe('r1');
  });

  it('uses a custom User-Agent and per-call tenant and project', async () => {
    const { server, client } = await serve((_req, res) => sendJson(res, 200, { items: [execution] }), {
      userAgent: 'etl-job/2',
    });
    const items = await client.listActionExecutions(ids.actionId, {
      tenantId: ids.blockId,
      projectId: ids.executionId,
    });
    expect(items).toEqual([execution]);
    expect(server.requests[0]?.url).toBe(
      `/api/${ids.blockId}/${ids.executionId}/actionexecution/action/${ids.actionId}`,
    );
    expect(server.requests[0]?.headers['user-agent']).toBe('etl-job/2');
  });

  it('adds no User-Agent of its own in a browser, where the header can fail a CORS preflight', async () => {
    const server = await servers.serve((_req, res) => sendJson(res, 200, execution));
    const globals = globalThis as { document?: unknown };
    globals.document = {}; // what the client looks at to tell a browser
    let client: MindzieClient;
    try {
      client = createClient({ baseUrl: server.url, token: TOKEN, tenantId: ids.tenantId, projectId: ids.projectId });
    } finally {
      delete globals.document;
    }
    await client.getActionExecution(ids.executionId);
    expect(server.requests[0]?.headers['user-agent']).not.toContain('@mindzie/client');
  });

  it('asks a token function for a fresh token on every call', async () => {
    let issued = 0;
    const { server, client } = await serve((_req, res) => sendJson(res, 200, execution), {
      token: async () => `${TOKEN}-${++issued}`,
    });
    await client.getActionExecution(ids.executionId);
    await client.getActionExecution(ids.executionId);
    expect(server.requests.map((r) => r.headers.authorization)).toEqual([`Bearer ${TOKEN}-1`, `Bearer ${TOKEN}-2`]);
  });

  it('executes a block with a JSON body, or with no body at all', async () => {
    const queued = {
      blockId: ids.blockId,
      executionId: ids.executionId,
      status: 'Queued',
      message: 'Block execution has been queued',
    };
    const { server, client } = await serve((_req, res) => sendJson(res, 202, queued));
    await expect(client.executeBlock(ids.blockId, { parameters: { threshold: 1000 } })).resolves.toEqual(queued);
    await client.executeBlock(ids.blockId);
    const [withBody, without] = server.requests;
    expect(withBody?.method).toBe('POST');
    expect(withBody?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(withBody!.body)).toEqual({ parameters: { threshold: 1000 } });
    expect(without?.body).toBe('');
    expect(without?.headers['content-type']).toBeUndefined();
  });

  it('reads "no execution yet" as null but any other 404 as an error', async () => {
    let reason = "Can't find action";
    const { client } = await serve((_req, res) => sendJson(res, 404, { error: reason, actionId: ids.actionId }));
    await expect(client.getLastActionExecution(ids.actionId)).resolves.toBeNull();
    reason = 'Action not found';
    await expect(client.getLastActionExecution(ids.actionId)).rejects.toMatchObject({
      name: 'NotFoundError',
      reason: 'Action not found',
    });
  });
});

describe('errors', () => {
  it.each([
    [401, 'text', UnauthorizedError],
    [404, 'json', NotFoundError],
    [429, 'json', RateLimitError],
    [500, 'json', ServerError],
    [503, 'text', ServerError],
    [400, 'json', ApiError],
    [409, 'text', ApiError],
  ] as const)('%i becomes the right class with status, method, path and parsed body', async (status, kind, Class) => {
    const body =
      kind === 'json' ? { error: 'Execution not found', executionId: ids.executionId } : 'Something went wrong here';
    const { client } = await serve((_req, res) =>
      kind === 'json'
        ? sendJson(res, status, body)
        : res.writeHead(status, { 'Content-Type': 'text/plain' }).end(body as string),
    );
    const error = (await client.getActionExecution(ids.executionId).catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(Class);
    expect(error).toBeInstanceOf(MindzieError);
    expect(error.status).toBe(status);
    expect(error.method).toBe('GET');
    expect(error.path).toBe(`/api/${ids.tenantId}/${ids.projectId}/actionexecution/${ids.executionId}`);
    expect(error.body).toEqual(body);
    expect(error.message).toContain(kind === 'json' ? 'Execution not found' : 'Something went wrong here');
    expect(error.message).not.toContain('127.0.0.1');
  });

  it('keeps the 401 text and the Retry-After of a 429', async () => {
    let status = 401;
    const { client } = await serve((_req, res) => {
      res.writeHead(status, { 'Content-Type': 'text/plain', 'Retry-After': '7' });
      res.end('Invalid or expired access token');
    });
    await expect(client.executeAction(ids.actionId)).rejects.toMatchObject({
      name: 'UnauthorizedError',
      body: 'Invalid or expired access token',
    });
    status = 429;
    await expect(client.executeAction(ids.actionId)).rejects.toMatchObject({
      name: 'RateLimitError',
      retryAfterMs: 7000,
    });
  });

  it('a 200 that is not JSON is an ApiError, not a crash', async () => {
    const { client } = await serve((_req, res) =>
      res.writeHead(200, { 'Content-Type': 'text/html' }).end('<html>proxy login</html>'),
    );
    await expect(client.getActionExecution(ids.executionId)).rejects.toMatchObject({
      name: 'ApiError',
      status: 200,
      body: '<html>proxy login</html>',
    });
  });

  it('a refused connection is a NetworkError that says what happened', async () => {
    const port = await freePort();
    const client = createClient({
      baseUrl: `http://127.0.0.1:${port}`,
      token: TOKEN,
      tenantId: ids.tenantId,
      projectId: ids.projectId,
      maxRetries: 0,
    });
    const error = await client.getActionExecution(ids.executionId).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).not.toBeInstanceOf(TimeoutError);
    expect((error as NetworkError).message).toMatch(/ECONNREFUSED/);
    expect((error as NetworkError).path).toBe(
      `/api/${ids.tenantId}/${ids.projectId}/actionexecution/${ids.executionId}`,
    );
  });

  it('a connection reset before the answer is a NetworkError', async () => {
    const { client } = await serve((req) => req.socket.destroy());
    await expect(client.getActionExecution(ids.executionId)).rejects.toBeInstanceOf(NetworkError);
  });

  it('a server that never answers ends in a TimeoutError after timeoutMs', async () => {
    const { server, client } = await serve(() => {}, { timeoutMs: 150 });
    const error = await client.getActionExecution(ids.executionId).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as TimeoutError).message).toContain('150 ms');
    expect(server.requests).toHaveLength(1);
  });

  it('a per-call timeout overrides the client one', async () => {
    const { client } = await serve(() => {}, { timeoutMs: 60_000 });
    await expect(client.getBlockResults(ids.blockId, { timeoutMs: 100 })).rejects.toBeInstanceOf(TimeoutError);
  });

  it('an abort rejects with the signal reason, during the request or before it', async () => {
    const { server, client } = await serve(() => {});
    const controller = new AbortController();
    const reason = new Error('user pressed Ctrl-C');
    const pending = client.getActionExecution(ids.executionId, { signal: controller.signal });
    await waitFor(() => server.requests.length === 1);
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    await expect(client.executeAction(ids.actionId, { signal: controller.signal })).rejects.toBe(reason);
    expect(server.requests).toHaveLength(1);
  });
});

describe('a token function that hangs', () => {
  it('does not hold up an abort: the call rejects with the reason at once and sends nothing', async () => {
    const { server, client } = await serve((_req, res) => sendJson(res, 200, execution), {
      token: () => new Promise<string>(() => {}),
    });
    const controller = new AbortController();
    const reason = new Error('stop');
    const pending = client.getActionExecution(ids.executionId, { signal: controller.signal });
    setTimeout(() => controller.abort(reason), 20);
    await expect(pending).rejects.toBe(reason);
    expect(server.requests).toHaveLength(0);
  });

  it('counts against timeoutMs: a TimeoutError, nothing sent', async () => {
    const { server, client } = await serve((_req, res) => sendJson(res, 200, execution), {
      token: () => new Promise<string>(() => {}),
      timeoutMs: 100,
    });
    await expect(client.executeAction(ids.actionId)).rejects.toBeInstanceOf(TimeoutError);
    expect(server.requests).toHaveLength(0);
  });

  it('leaves no unhandled rejection when it aborts the call and then fails', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const controller = new AbortController();
      const reason = new Error('stop');
      const { client } = await serve((_req, res) => sendJson(res, 200, execution), {
        token: async () => {
          controller.abort(reason);
          throw new Error('no credentials');
        },
      });
      await expect(client.getActionExecution(ids.executionId, { signal: controller.signal })).rejects.toBe(reason);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('passes its own failure on as it is, unwrapped and not retried', async () => {
    let asked = 0;
    const failure = new Error('identity provider down');
    const { server, client } = await serve((_req, res) => sendJson(res, 200, execution), {
      token: async () => {
        asked++;
        return Promise.reject(failure);
      },
      maxRetries: 3,
    });
    await expect(client.getActionExecution(ids.executionId)).rejects.toBe(failure);
    expect([asked, server.requests.length]).toEqual([1, 0]);
  });
});

describe('the token never leaks', () => {
  const leaks = (error: unknown) =>
    [
      String(error),
      (error as Error).message,
      (error as Error).stack ?? '',
      JSON.stringify(error),
      inspect(error, { depth: 10 }),
    ].some((text) => text.includes(TOKEN));

  it('is masked when the server echoes it in a text or JSON body', async () => {
    let json = false;
    const { client } = await serve((req, res) => {
      const echoed = `Token ${req.headers.authorization} is expired`;
      if (json) {
        sendJson(res, 500, { message: echoed, nested: [{ header: req.headers.authorization }] });
      } else {
        res.writeHead(401, { 'Content-Type': 'text/plain' }).end(echoed);
      }
    });
    const unauthorized = await client.getActionExecution(ids.executionId).catch((e: unknown) => e);
    expect(unauthorized).toBeInstanceOf(UnauthorizedError);
    expect((unauthorized as UnauthorizedError).message).toContain('[REDACTED]');
    expect(leaks(unauthorized)).toBe(false);
    json = true;
    const serverError = await client.getActionExecution(ids.executionId).catch((e: unknown) => e);
    expect(serverError).toBeInstanceOf(ServerError);
    expect(JSON.stringify(serverError)).toContain('[REDACTED]');
    expect(leaks(serverError)).toBe(false);
  });

  it('is masked in a success body of the wrong shape, JSON or text', async () => {
    let json = true;
    const { client } = await serve((req, res) =>
      json
        ? sendJson(res, 200, { list: [`sent ${req.headers.authorization}`] })
        : res.writeHead(200, { 'Content-Type': 'text/plain' }).end(`sent ${req.headers.authorization}`),
    );
    const notAList = await client.listActionExecutions(ids.actionId).catch((e: unknown) => e);
    expect(notAList).toBeInstanceOf(ApiError);
    expect((notAList as ApiError).body).toEqual({ list: ['sent Bearer [REDACTED]'] });
    expect(leaks(notAList)).toBe(false);
    json = false;
    const notJson = await client.getActionExecution(ids.executionId).catch((e: unknown) => e);
    expect((notJson as ApiError).body).toBe('sent Bearer [REDACTED]');
    expect(leaks(notJson)).toBe(false);
  });

  it('is masked when a custom fetch fails with it in the message', async () => {
    const leakyFetch: typeof fetch = async (_input, init) => {
      const auth = new Headers(init?.headers).get('Authorization');
      throw new TypeError(`fetch failed for ${auth}`, { cause: new Error(`socket hang up (${auth})`) });
    };
    const client = createClient({
      baseUrl: 'http://127.0.0.1:9',
      token: TOKEN,
      tenantId: ids.tenantId,
      projectId: ids.projectId,
      fetch: leakyFetch,
      maxRetries: 0,
    });
    const error = await client.getActionExecution(ids.executionId).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(leaks(error)).toBe(false);
    expect(leaks((error as Error).cause)).toBe(false);
  });

  it.each([
    ['a string', `  ${TOKEN} \t`],
    ['a token function', async () => `\t ${TOKEN}\t `],
  ])('is masked when %s comes with surrounding whitespace (sent trimmed, as fetch would)', async (_, token) => {
    const { server, client } = await serve(
      (req, res) =>
        res.writeHead(401, { 'Content-Type': 'text/plain' }).end(`Invalid token: ${req.headers.authorization}`),
      { token },
    );
    const error = await client.getActionExecution(ids.executionId).catch((e: unknown) => e);
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect(leaks(error)).toBe(false);
  });

  it('is masked even where a long body is cut into the error across the token', async () => {
    const { client } = await serve((req, res) => {
      const echo = `${req.headers.authorization}`;
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('x'.repeat(2000 - echo.length + 20) + echo); // the 2000-character cut falls inside the token
    });
    const error = await client.getActionExecution(ids.executionId).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(JSON.stringify(error)).not.toContain(TOKEN.slice(0, 8));
  });

  it('is masked in a JSON error body that carries a cut piece of it', async () => {
    const { client } = await serve((req, res) =>
      sendJson(res, 401, { message: `Invalid token ${String(req.headers.authorization).slice(7, 47)}…` }),
    );
    const error = await client.getActionExecution(ids.executionId).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect(JSON.stringify(error)).not.toContain(TOKEN.slice(0, 40));
    expect(inspect(error, { depth: 10 })).not.toContain(TOKEN.slice(0, 40));
  });

  it('is masked when an all-digit token is echoed as a JSON number', async () => {
    const digits = '1234567890123456';
    const { client } = await serve(
      (req, res) => {
        const echoed = String(req.headers.authorization).slice('Bearer '.length);
        res.writeHead(401, { 'Content-Type': 'application/json' }).end(`{"message":"Invalid token","token":${echoed}}`);
      },
      { token: digits },
    );
    const error = await client.getActionExecution(ids.executionId).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect(JSON.stringify(error)).not.toContain(digits);
    expect((error as UnauthorizedError).body).toEqual({ message: 'Invalid token', token: '[REDACTED]' });
  });

  it('is never in the fields of any error, not even with a token function', async () => {
    const { client } = await serve(
      (_req, res) => sendJson(res, 404, { error: 'Action not found', actionId: ids.actionId }),
      { token: () => TOKEN },
    );
    const error = await client.executeAction(ids.actionId).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(leaks(error)).toBe(false);
    expect(Object.keys((error as NotFoundError).toJSON()).sort()).toEqual([
      'body',
      'message',
      'method',
      'name',
      'path',
      'reason',
      'retryAfterMs',
      'status',
    ]);
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  if (!condition()) {
    throw new Error('condition not met');
  }
}
