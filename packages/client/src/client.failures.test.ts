// Failures by when they happened (a middleware's own error, refused, reset), and what each leaves
// behind: no open connection on the server (a body nobody reads holds one), no span left open.
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient, MiddlewareError, type MindzieClient, NetworkError, NotFoundError } from './index.js';
import { ERROR_BODY_CAP_BYTES } from './middleware/errors.js';
import { tracingMiddleware } from './otel.js';
import { ids, TOKEN } from './test-support/ids.js';

/** 8 MiB: more than the socket buffers hold, so the server finishes only if the client reads or lets go. */
const BIG = 8 * 1024 * 1024;

interface Counted {
  url: string;
  requests: number;
  /** Resolves once every connection the server accepted has closed. */
  allClosed(): Promise<void>;
  close(): Promise<void>;
}
const open: Counted[] = [];
afterEach(async () => Promise.all(open.splice(0).map((s) => s.close())));

/** A server that answers `status` with a big body (JSON or not), counting its requests and open sockets. */
async function bigAnswerServer(status: number, kind: 'json' | 'zip' | 'reset' = 'json'): Promise<Counted> {
  const sockets = new Set<Socket>();
  let waiting: (() => void) | undefined;
  const server: Server = createServer((request, response) => {
    counted.requests++;
    if (kind === 'reset') {
      return void request.socket.destroy();
    }
    const body = kind === 'json' ? Buffer.from(JSON.stringify({ error: 'x'.repeat(BIG) })) : Buffer.alloc(BIG);
    response.writeHead(status, { 'Content-Type': kind === 'json' ? 'application/json' : 'application/zip' });
    response.end(body);
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => {
      sockets.delete(socket);
      if (sockets.size === 0) {
        waiting?.();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const counted: Counted = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: 0,
    allClosed: () => (sockets.size === 0 ? Promise.resolve() : new Promise<void>((resolve) => (waiting = resolve))),
    close: () => new Promise<void>((resolve) => server.close(() => resolve()).closeAllConnections()),
  };
  open.push(counted);
  return counted;
}

/** Spans started and ended, counted by a span processor of the SDK. */
function tracing() {
  const counts = { started: 0, ended: 0 };
  const exporter = new InMemorySpanExporter();
  const processor = new SimpleSpanProcessor(exporter);
  const provider = new BasicTracerProvider({
    spanProcessors: [
      processor,
      {
        onStart: () => void counts.started++,
        onEnd: () => void counts.ended++,
        forceFlush: async () => {},
        shutdown: async () => {},
      },
    ],
  });
  return { counts, middleware: tracingMiddleware({ tracer: provider.getTracer('test') }) };
}

const clientOf = (url: string, maxRetries = 2): MindzieClient =>
  createClient({ baseUrl: url, token: TOKEN, tenantId: ids.tenantId, projectId: ids.projectId, maxRetries });

describe('a failure, by when it happened', () => {
  it('a middleware throwing in onRequest: its own error (as cause), nothing sent, nothing retried', async () => {
    const server = await bigAnswerServer(200);
    const client = clientOf(server.url);
    const own = new TypeError('my middleware broke');
    let calls = 0;
    client.use({
      onRequest: () => {
        calls++;
        throw own;
      },
    });
    const error = await client.getActionExecution(ids.executionId).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MiddlewareError);
    expect(error).toMatchObject({ notSent: true, cause: own });
    expect((error as Error).message).toContain('before sending: my middleware broke');
    expect([calls, server.requests]).toEqual([1, 0]);
  });

  it('a middleware throwing in onResponse: after sending (notSent false), nothing retried', async () => {
    const server = await bigAnswerServer(200);
    const client = clientOf(server.url);
    client.use({
      onResponse: () => {
        throw new RangeError('cannot log this');
      },
    });
    const error = await client.getActionExecution(ids.executionId).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MiddlewareError);
    expect(error).toMatchObject({ notSent: false, cause: expect.any(RangeError) });
    expect(server.requests).toBe(1);
    await server.allClosed(); // the unread 8 MiB answer was let go
  });

  it('connection refused: a NetworkError that says nothing was sent', async () => {
    const server = await bigAnswerServer(200);
    const url = server.url;
    await server.close();
    const error = await clientOf(url, 0)
      .executeAction(ids.actionId)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ notSent: true });
  });

  it('a reset after the request left: a NetworkError that may have been acted on (notSent false)', async () => {
    const server = await bigAnswerServer(200, 'reset');
    const error = await clientOf(server.url, 0)
      .executeAction(ids.actionId)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ notSent: false });
  });

  it('an error body is read up to 64 KiB, the rest discarded (the connection let go)', async () => {
    const server = await bigAnswerServer(404);
    const error = await clientOf(server.url, 0)
      .getActionExecution(ids.executionId)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(String((error as NotFoundError).body).length).toBe(ERROR_BODY_CAP_BYTES);
    await server.allClosed();
  });
});

describe('nothing left behind: every connection let go, every span ended', () => {
  const kinds: [string, (client: MindzieClient) => void, 'json' | 'zip'][] = [
    [
      'a later middleware throws in onRequest',
      (c) => c.use({ onRequest: () => Promise.reject(new Error('x')) }),
      'json',
    ],
    ['a later middleware answers in onRequest', (c) => c.use({ onRequest: () => new Response('{}') }), 'json'],
    ['a middleware throws in onResponse', (c) => c.use({ onResponse: () => Promise.reject(new Error('x')) }), 'json'],
    [
      'a middleware throws after a download head',
      (c) => c.use({ onResponse: () => Promise.reject(new Error('x')) }),
      'zip',
    ],
  ];
  it.each(kinds)('%s', async (_, add, kind) => {
    const server = await bigAnswerServer(200, kind);
    const client = clientOf(server.url, 0);
    const { counts, middleware } = tracing();
    client.use(middleware);
    add(client);
    for (let i = 0; i < 3; i++) {
      const call =
        kind === 'zip' ? client.downloadPackage(ids.executionId) : client.getActionExecution(ids.executionId);
      await call.catch(() => undefined);
    }
    expect(counts).toEqual({ started: 3, ended: 3 });
    await server.allClosed();
  });

  it('a reset: the span ends with the error', async () => {
    const server = await bigAnswerServer(200, 'reset');
    const client = clientOf(server.url, 1);
    const { counts, middleware } = tracing();
    client.use(middleware);
    await expect(client.getActionExecution(ids.executionId)).rejects.toBeInstanceOf(NetworkError);
    expect(counts).toEqual({ started: 2, ended: 2 });
    await server.allClosed();
  });
});
