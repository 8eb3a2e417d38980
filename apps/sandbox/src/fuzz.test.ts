// Property-based fuzz driven by the bundled spec (fast-check, with json-schema-faker for the
// documented bodies): requests valid and invalid by the spec against a sandbox, a fixed seed
// and a fixed number of runs so coverage does not depend on the machine. A valid request gets
// a status, media type and body its operation documents (a ZIP that opens); an invalid one a
// 4xx whose body is the documented SandboxError (or the 401 text); nothing answers 5xx or
// shows a framework's error code.
import fc from 'fast-check';
import { generateSync, type JsonSchema } from 'json-schema-faker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkResponse, type OperationInfo, operations } from './contract/response-validator.ts';
import { getDefaultFixture, type Sandbox, startSandbox } from './index.ts';
import { loadSpec } from './spec.ts';
import { unzip } from './test-support.ts';

const seed = 20_240_115;
const numRuns = 300;

const spec = loadSpec();
const schemas = spec.components.schemas as Record<string, JsonSchema>;
const blockBodySchema = schemas.BlockExecuteRequest!;
const sandboxErrorKeys = Object.keys((schemas.SandboxError as { properties: object }).properties);

interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** What the spec says of it: `valid`, or why it is not. */
  kind: string;
  operation?: OperationInfo;
}

const fixture = getDefaultFixture();
const [tenant, otherTenant] = fixture.tenants;
const project = tenant!.projects[0]!;
const knownIds = [
  ...project.actions.flatMap((action) => [action.actionId, ...(action.history ?? []).map((h) => h.actionExecutionId)]),
  ...project.blocks.map((block) => block.blockId),
];

/** Ids the spec allows: the fixture's (some upper-cased), or random GUIDs. */
const validId = fc.oneof(
  fc.constantFrom(...knownIds),
  fc.constantFrom(...knownIds).map((id) => id.toUpperCase()),
  fc.uuid(),
);
/** Ids the spec refuses: too long, not a GUID, or path-breaking text. */
const invalidId = fc.oneof(
  fc
    .string({ minLength: 1, maxLength: 40 })
    .filter((text) => !/^[0-9a-f-]{36}$/i.test(text) && text !== '.' && text !== '..'),
  fc.uuid().map((id) => `${id}0`),
  fc.uuid().map((id) => `{${id}}`),
  fc.constantFrom('null', '%00', "'; DROP TABLE--", 'a'.repeat(300)),
);
const segment = (id: string) => encodeURIComponent(id);

function pathOf(operation: OperationInfo, id: (name: string) => string): string {
  return operation.pathTemplate.replace(/\{([^}]+)\}/g, (_whole, name: string) => segment(id(name)));
}

function validRequest(sandbox: Sandbox): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({
      operation: fc.constantFrom(...operations),
      id: validId,
      otherTenant: fc.boolean(),
      bodySeed: fc.option(fc.integer({ min: 1, max: 2 ** 30 }), { nil: undefined }),
      emptyBodyType: fc.constantFrom(undefined, 'application/json', 'application/x-www-form-urlencoded', 'text/plain'),
      range: fc.option(fc.constantFrom('bytes=0-99', 'bytes=10-', 'bytes=-22'), { nil: undefined }),
      query: fc.constantFrom('', '', '?a=1'),
    })
    .map(({ operation, id, otherTenant: other, bodySeed, emptyBodyType, range, query }) => {
      const token = other ? otherTenant!.tokens[0]! : sandbox.token;
      const headers: Record<string, string> = { authorization: `Bearer ${token}` };
      const path = pathOf(operation, (name) =>
        name === 'tenantId' ? sandbox.tenantId : name === 'projectId' ? sandbox.projectId : id,
      );
      let body: string | undefined;
      if (operation.method === 'POST') {
        if (bodySeed !== undefined) {
          headers['content-type'] = 'application/json';
          body = JSON.stringify(generateSync(blockBodySchema, { seed: bodySeed }));
        } else if (emptyBodyType) {
          headers['content-type'] = emptyBodyType; // an empty body with any media type: no body
          body = '';
        }
      }
      if (range && operation.operationId === 'downloadActionExecutionPackage') {
        headers.range = range;
      }
      return { method: operation.method, path: `${path}${query}`, headers, body, kind: 'valid', operation };
    });
}

function invalidRequest(sandbox: Sandbox): fc.Arbitrary<FuzzRequest> {
  const auth = { authorization: `Bearer ${sandbox.token}` };
  const onOperation = <T>(extra: fc.Arbitrary<T>, make: (operation: OperationInfo, extra: T) => FuzzRequest) =>
    fc.tuple(fc.constantFrom(...operations), extra).map(([operation, value]) => make(operation, value));
  const validPath = (operation: OperationInfo) =>
    pathOf(operation, (name) =>
      name === 'tenantId' ? sandbox.tenantId : name === 'projectId' ? sandbox.projectId : knownIds[0]!,
    );
  const blockExecute = operations.find((operation) => operation.method === 'POST')!;
  return fc.oneof(
    onOperation(fc.tuple(invalidId, fc.nat({ max: 2 })), (operation, [bad, which]) => {
      const names = operation.pathTemplate.match(/\{([^}]+)\}/g)!.map((name) => name.slice(1, -1));
      const target = names[which % names.length]!;
      const path = pathOf(operation, (name) =>
        name === target
          ? bad
          : name === 'tenantId'
            ? sandbox.tenantId
            : name === 'projectId'
              ? sandbox.projectId
              : knownIds[0]!,
      );
      return { method: operation.method, path, headers: auth, kind: 'malformed id', operation };
    }),
    onOperation(fc.constantFrom(undefined, '', 'wrong', 'Basic sandbox-token'), (operation, token) => ({
      method: operation.method,
      path: validPath(operation),
      headers:
        token === undefined
          ? {}
          : ({ authorization: token.startsWith('Basic') ? token : `Bearer ${token}` } as Record<string, string>),
      kind: 'no valid token',
      operation,
    })),
    onOperation(
      fc.constantFrom('PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'QUERY', 'GET', 'POST'),
      (operation, method) => ({
        method: method === operation.method ? 'PATCH' : method,
        path: validPath(operation),
        headers: auth,
        kind: 'method the path does not have',
        operation,
      }),
    ),
    fc
      .tuple(
        fc.constantFrom(
          ['application/json', '{"parameters":3}'],
          ['application/json', '[]'],
          ['application/json', 'null'],
          ['application/json', '{"parameters":'],
          ['application/json', `{"parameters":{"big":"${'x'.repeat(70 * 1024)}"}}`],
          ['text/plain', 'hello'],
          ['application/x-www-form-urlencoded', 'a=1'],
        ),
        fc.json(),
      )
      .map(([[type, text], json]) => ({
        method: 'POST',
        path: validPath(blockExecute),
        headers: { ...auth, 'content-type': type },
        body: text.length > 0 ? text : json,
        kind: 'body the spec refuses',
        operation: blockExecute,
      })),
    fc.constantFrom('/', '/api', '/api/x/y', `/api/${sandbox.tenantId}`, '/nope?x=1').map((path) => ({
      method: 'GET',
      path,
      headers: auth,
      kind: 'unknown path',
    })),
  );
}

/** Statuses an invalid request may get, by what is wrong with it. */
const refusals: Record<string, number[]> = {
  'malformed id': [400],
  'no valid token': [401],
  'method the path does not have': [405],
  'body the spec refuses': [400, 413, 415],
  'unknown path': [404],
};

describe(`spec-driven property-based fuzz (seed ${seed}, ${numRuns} requests)`, () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ timeScale: 1000 });
  });
  afterAll(() => sandbox.close());

  it('answers valid requests as documented and invalid ones with a documented 4xx, never 5xx', async () => {
    const seen = new Map<string, number>();
    const request = fc.oneof(
      { weight: 3, arbitrary: validRequest(sandbox) },
      { weight: 2, arbitrary: invalidRequest(sandbox) },
    );
    await fc.assert(
      fc.asyncProperty(request, async (fuzz) => {
        const response = await fetch(`${sandbox.baseUrl}${fuzz.path}`, {
          method: fuzz.method,
          headers: fuzz.headers,
          ...(fuzz.body !== undefined ? { body: fuzz.body } : {}),
          signal: AbortSignal.timeout(20_000),
        });
        const bytes = new Uint8Array(await response.arrayBuffer());
        const text = new TextDecoder().decode(bytes);
        const label = `${fuzz.kind}: ${fuzz.method} ${fuzz.path.slice(0, 120)} -> ${response.status}`;
        seen.set(fuzz.kind, (seen.get(fuzz.kind) ?? 0) + 1);
        expect(response.status, label).toBeLessThan(500);
        expect(`${text} ${[...response.headers].join(' ')}`, label).not.toMatch(/FST_|fastify/i);
        if (fuzz.kind === 'valid') {
          const path = fuzz.path.split('?')[0]!;
          const checked = checkResponse(fuzz.method, path, response.status, response.headers, bytes);
          expect(checked.violations, label).toEqual([]);
          expect([200, 202, 206, 404], label).toContain(response.status); // never one of the refusals
          if (response.status === 200 && checked.mediaType === 'application/zip') {
            expect((await unzip(Buffer.from(bytes))).size, label).toBeGreaterThan(0);
          }
          return;
        }
        expect(refusals[fuzz.kind], label).toContain(response.status);
        if (response.status === 401) {
          expect(response.headers.get('content-type'), label).toMatch(/^text\/plain/);
          return;
        }
        if (fuzz.method !== 'HEAD') {
          const body = JSON.parse(text) as Record<string, unknown>;
          expect(Object.keys(body), label).toEqual(sandboxErrorKeys);
          expect(body.error, label).toEqual(expect.any(String));
        }
        if (response.status === 405) {
          expect(response.headers.get('allow'), label).toBe(fuzz.operation!.method);
        } else if (fuzz.operation && response.status !== 401) {
          const path = fuzz.path.split('?')[0]!;
          const checked = checkResponse(fuzz.operation.method, path, response.status, response.headers, bytes);
          expect(checked.violations, label).toEqual([]);
        }
      }),
      { seed, numRuns, endOnFailure: true },
    );
    // Every kind of request was tried, valid ones most.
    expect([...seen.keys()].sort()).toEqual(['valid', ...Object.keys(refusals)].sort());
    expect(seen.get('valid')).toBeGreaterThan(numRuns / 3);
    expect(sandbox.admin.requests().filter((entry) => (entry.status ?? 0) >= 500)).toEqual([]);
  }, 180_000);
});
