// @mindzie/client/otel against the sandbox, spans read from the OpenTelemetry SDK's in-memory exporter.

import { type Sandbox, startSandbox } from '@mindzie/sandbox';
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createClient, type MindzieClient, NetworkError } from './index.js';
import { tracingMiddleware } from './otel.js';

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const tracer = provider.getTracer('test');
let sandbox: Sandbox;
let client: MindzieClient;

beforeAll(async () => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  sandbox = await startSandbox({ port: 0, timeScale: 10 });
  const { baseUrl, token, tenantId, projectId } = sandbox;
  client = createClient({ baseUrl, token, tenantId, projectId });
  client.use(tracingMiddleware({ tracer }));
});
afterAll(async () => {
  await sandbox?.close();
  context.disable();
});
beforeEach(() => {
  exporter.reset();
  sandbox.admin.clearFaults();
});

const attributesOf = (name: string) =>
  exporter
    .getFinishedSpans()
    .filter((span) => span.name === name)
    .map((span) => span.attributes);

describe('tracingMiddleware', () => {
  it('makes one CLIENT span per call with the HTTP attributes and the operationId, never the token', async () => {
    const [action] = sandbox.actions;
    const execution = await client.executeAction(action!.actionId);
    await client.getActionExecution(execution.actionExecutionId);
    const spans = exporter.getFinishedSpans();
    const projectUrl = `${sandbox.baseUrl}/api/${sandbox.tenantId}/${sandbox.projectId}`;
    expect(spans.map((span) => span.name)).toEqual([
      'GET /api/{tenantId}/{projectId}/action/execute/{actionId}',
      'GET /api/{tenantId}/{projectId}/actionexecution/{executionId}',
    ]);
    expect(spans[1]!.attributes).toMatchObject({
      'http.request.method': 'GET',
      'http.response.status_code': 200,
      'url.full': `${projectUrl}/actionexecution/${execution.actionExecutionId}`,
      'url.template': '/api/{tenantId}/{projectId}/actionexecution/{executionId}',
      'server.address': '127.0.0.1',
      'mindzie.operation_id': 'getActionExecution',
    });
    expect(spans.every((span) => span.kind === 2)).toBe(true); // SpanKind.CLIENT
    expect(JSON.stringify(spans.map((span) => [span.attributes, span.events]))).not.toContain(sandbox.token);
  });

  it("shows each retry as its own span under the caller's span, the failed one marked as an error", async () => {
    const [action] = sandbox.actions;
    sandbox.admin.injectFault({ operationId: 'getLastActionExecution', kind: 'status', status: 503, retryAfter: 0 });
    await tracer.startActiveSpan('nightly job', async (parent) => {
      await client.getLastActionExecution(action!.actionId);
      parent.end();
    });
    const [parent] = exporter.getFinishedSpans().filter((span) => span.name === 'nightly job');
    const attempts = exporter.getFinishedSpans().filter((span) => span.name.includes('/lastaction/'));
    expect(attempts).toHaveLength(2);
    expect(attempts.map((span) => span.parentSpanContext?.spanId)).toEqual([
      parent!.spanContext().spanId,
      parent!.spanContext().spanId,
    ]);
    expect(attempts.map((span) => span.attributes['http.response.status_code'])).toEqual([503, 200]);
    expect(attempts.map((span) => span.attributes['http.request.resend_count'])).toEqual([undefined, 1]);
    expect(attempts.map((span) => span.status.code)).toEqual([2, 0]); // ERROR, UNSET
    expect(attributesOf('nightly job')).toHaveLength(1);
  });

  it('records a failed connection as an exception, the token masked', async () => {
    sandbox.admin.injectFault({ operationId: 'getBlockResults', kind: 'reset' });
    const [block] = sandbox.blocks;
    const error = await client.getBlockResults(block!.blockId, { maxRetries: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    const [span] = exporter.getFinishedSpans();
    expect(span?.status.code).toBe(2);
    expect(span?.events.map((event) => event.name)).toEqual(['exception']);
    expect(span?.attributes['error.type']).toBe('NetworkError');
    expect(JSON.stringify(span?.events)).not.toContain(sandbox.token);
  });
});
