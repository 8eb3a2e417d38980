// Every operation and every documented response, against Prism serving the bundled contract.
// Prism validates each request the client sends; the suite ends by asserting zero violations.
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ClientOptions,
  createClient,
  type MindzieClient,
  NotFoundError,
  type RequestOptions,
  UnauthorizedError,
} from './index.js';
import { createRawClient } from './raw.js';
import { ids, TOKEN } from './test-support/ids.js';
import { type RunningPrism, startPrism } from './test-support/prism.js';

interface Example {
  value: unknown;
}
interface Operation {
  operationId: string;
  requestBody?: { content: Record<string, { examples?: Record<string, Example> }> };
  responses: Record<string, { content?: Record<string, { examples?: Record<string, Example> }> }>;
}
const spec = createRequire(import.meta.url)('@mindzie/spec/openapi.json') as {
  paths: Record<string, Record<string, Operation | unknown>>;
};

/** Follows a local `$ref` (the bundle shares responses and examples through components). */
function deref<T>(node: T | { $ref: string }): T {
  if (node && typeof node === 'object' && '$ref' in node) {
    const target = node.$ref
      .replace(/^#\//, '')
      .split('/')
      .reduce<any>((at, key) => at[key], spec);
    return deref(target as T);
  }
  return node as T;
}

/** Each documented response: operation, status and example name (none for a body without examples). */
interface Case {
  op: Operation;
  status: number;
  name: string | undefined;
  value: unknown;
}
const cases: Case[] = Object.values(spec.paths).flatMap((item) =>
  Object.values(item)
    .filter((op): op is Operation => typeof op === 'object' && op !== null && 'operationId' in op)
    .flatMap((op) =>
      Object.entries(op.responses).flatMap(([status, ref]): Case[] => {
        const response = deref(ref) as Operation['responses'][string] & { 'x-sandbox-only'?: boolean };
        if (response['x-sandbox-only']) {
          return []; // the sandbox's own answers (400, 206, …): the vendor's pages document none
        }
        const examples = Object.entries(Object.values(response.content ?? {})[0]?.examples ?? {});
        return examples.length
          ? examples.map(([name, example]) => ({ op, status: Number(status), name, value: deref(example).value }))
          : [{ op, status: Number(status), name: undefined, value: undefined }];
      }),
    ),
);

/** How each operation is called through the task-shaped client: a new operation fails this table. */
const invoke: Record<string, (client: MindzieClient, options: RequestOptions) => Promise<unknown>> = {
  executeAction: (client, options) => client.executeAction(ids.actionId, options),
  listActionExecutions: (client, options) => client.listActionExecutions(ids.actionId, options),
  getLastActionExecution: (client, options) => client.getLastActionExecution(ids.actionId, options),
  getActionExecution: (client, options) => client.getActionExecution(ids.executionId, options),
  downloadActionExecutionPackage: async (client, options) => {
    const download = await client.downloadPackage(ids.executionId, options);
    return { filename: download.filename, size: download.size, text: await new Response(download.stream).text() };
  },
  executeBlock: (client, options) => client.executeBlock(ids.blockId, { parameters: { threshold: 1000 } }, options),
  getBlockResults: (client, options) => client.getBlockResults(ids.blockId, options),
};

/** What the task method turns a documented success body into. */
const expectedSuccess: Record<string, (value: unknown) => unknown> = {
  listActionExecutions: (value) => (value as { items: unknown[] }).items,
};

/** A fetch that reads Prism's verdict on every request sent through it into `found`. */
function recordingInto(found: string[], onAnswer: () => void = () => {}): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    onAnswer();
    const verdict = response.headers.get('sl-violations');
    if (verdict) {
      found.push(`${response.url}: ${verdict}`);
    }
    // A request Prism cannot match at all is answered 422 problem+json with the reasons in the body.
    if (response.headers.get('content-type')?.includes('problem+json')) {
      found.push(`${response.url}: ${response.status} problem`);
    }
    return response;
  };
}

let prism: RunningPrism;
let client: MindzieClient;
let options: ClientOptions;
const violations: string[] = [];
let answered = 0;

beforeAll(async () => {
  prism = await startPrism();
  // A custom fetch that reads Prism's verdict on every request the client sends.
  const recordingFetch = recordingInto(violations, () => answered++);
  options = {
    baseUrl: prism.url,
    token: TOKEN,
    tenantId: ids.tenantId,
    projectId: ids.projectId,
    fetch: recordingFetch,
    maxRetries: 0,
  };
  client = createClient(options);
});

afterAll(async () => {
  await prism?.stop();
});

describe('every documented response of every operation, against Prism', () => {
  it('covers every operation of the contract', () => {
    const operationIds = new Set(cases.map((c) => c.op.operationId));
    expect([...operationIds].sort()).toEqual(Object.keys(invoke).sort());
    expect(cases.length).toBeGreaterThanOrEqual(17);
  });

  it.each(cases.map((c) => [`${c.op.operationId} ${c.status}${c.name ? ` ${c.name}` : ''}`, c] as const))(
    '%s',
    async (_, c) => {
      const prefer = `code=${c.status}${c.name ? `, example=${c.name}` : ''}`;
      const call = invoke[c.op.operationId]!(client, { headers: { Prefer: prefer } });
      if (c.status >= 200 && c.status < 300) {
        const result = await call;
        if (c.op.operationId === 'downloadActionExecutionPackage') {
          // Prism serves the literal text `string` for application/zip, and the header's example.
          expect(result).toEqual({ filename: `${ids.executionId}.zip`, size: 6, text: 'string' });
        } else {
          expect(result).toEqual((expectedSuccess[c.op.operationId] ?? ((v) => v))(c.value));
        }
      } else if (c.status === 401) {
        const error = await call.catch((e: unknown) => e);
        expect(error).toBeInstanceOf(UnauthorizedError);
        expect((error as UnauthorizedError).message).toContain(c.value as string);
        expect((error as UnauthorizedError).body).toBe(c.value);
      } else if (c.status === 404 && c.op.operationId === 'getLastActionExecution') {
        await expect(call).resolves.toBeNull();
      } else if (c.status === 404) {
        const error = await call.catch((e: unknown) => e);
        expect(error).toBeInstanceOf(NotFoundError);
        const body = c.value as { error?: string; Error?: string };
        expect((error as NotFoundError).reason).toBe(body.error ?? body.Error);
        expect((error as NotFoundError).body).toEqual(c.value);
        expect((error as NotFoundError).path).toMatch(new RegExp(`^/api/${ids.tenantId}/${ids.projectId}/`));
      } else {
        throw new Error(`No expectation for status ${c.status}: add one`);
      }
    },
  );

  it('sends every documented execute-block request body as the contract describes it', async () => {
    const examples = (spec.paths['/api/{tenantId}/{projectId}/block/{blockId}/execute']!.post as Operation).requestBody!
      .content['application/json']!.examples!;
    expect(Object.keys(examples).length).toBeGreaterThan(0);
    for (const example of Object.values(examples)) {
      await expect(client.executeBlock(ids.blockId, deref(example).value as never)).resolves.toMatchObject({
        status: 'Queued',
      });
    }
    await expect(client.executeBlock(ids.blockId)).resolves.toMatchObject({ status: 'Queued' });
  });

  it('sends per-call tenant and project overrides that Prism accepts', async () => {
    const other = { tenantId: ids.blockId, projectId: ids.executionId };
    await expect(client.getActionExecution(ids.executionId, other)).resolves.toMatchObject({ status: 'Completed' });
  });

  it('works through the raw typed client (@mindzie/client/raw) too', async () => {
    const { data, response } = await createRawClient(options).GET(
      '/api/{tenantId}/{projectId}/actionexecution/{executionId}',
      {
        params: { path: { tenantId: ids.tenantId, projectId: ids.projectId, executionId: ids.executionId } },
      },
    );
    expect(response.status).toBe(200);
    expect(data?.actionExecutionId).toBe(ids.executionId);
  });

  it('negative control: the same recording reports a request the contract forbids', async () => {
    const caught: string[] = [];
    const raw = createRawClient({ ...options, fetch: recordingInto(caught) });
    // `parameters` must be an object: the task client refuses this before sending, the raw one does not.
    await raw.POST('/api/{tenantId}/{projectId}/block/{blockId}/execute', {
      params: { path: { tenantId: ids.tenantId, projectId: ids.projectId, blockId: ids.blockId } },
      body: { parameters: 'not an object' as never },
    });
    expect(caught).toHaveLength(1);
  });

  // Runs last (vitest keeps declaration order within a file).
  it('Prism found zero violations in all the requests the client sent', () => {
    expect(answered).toBeGreaterThanOrEqual(cases.length);
    expect(violations).toEqual([]);
  });
});
