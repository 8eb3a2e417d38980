// A bounded, seeded fuzz driven by the spec: random valid and invalid requests against
// every operation. No answer may be a 5xx; every answer to a request the spec allows must
// match the spec; every other answer must be a clear 4xx.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkResponse, operations } from './contract/response-validator.ts';
import { getDefaultFixture, type Sandbox, startSandbox } from './index.ts';

const seed = 20_240_115;
const requestCount = 400;
const concurrency = 8;

/** mulberry32: small, fast, and the same sequence for the same seed. */
function random(seedValue: number) {
  let state = seedValue >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const chance = (p: number) => next() < p;
  const guid = () => 'xxxxxxxx-xxxx-4xxx-8xxx-xxxxxxxxxxxx'.replace(/x/g, () => Math.floor(next() * 16).toString(16));
  return { next, pick, chance, guid };
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** The spec allows this request (its answer must match the spec). */
  valid: boolean;
}

function generator(sandbox: Sandbox) {
  const rng = random(seed);
  const fixture = getDefaultFixture();
  const known = fixture.tenants.flatMap((tenant) =>
    tenant.projects.flatMap((project) => [
      ...project.actions.flatMap((action) => [
        action.actionId,
        ...(action.history ?? []).map((past) => past.actionExecutionId),
      ]),
      ...project.blocks.map((block) => block.blockId),
    ]),
  );
  const tenants = fixture.tenants.map((tenant) => [tenant.tenantId, tenant.projects[0]!.projectId] as const);
  const badIds = [
    'abc',
    '0',
    'a'.repeat(300),
    '00000000-0000-0000-0000-00000000000g',
    '{00000000-0000-0000-0000-000000000000}',
    '000000000000000000000000000000000',
    'null',
    '%00',
    '%2F..%2F',
    'ü-ñ',
    '-1',
    '1e3',
    '[]',
    "'; DROP TABLE--",
  ];
  const validId = () => (rng.chance(0.6) ? rng.pick(known) : rng.chance(0.5) ? rng.guid() : rng.guid().toUpperCase());
  const anyId = () => (rng.chance(0.8) ? validId() : rng.pick(badIds));
  const tokens = [sandbox.token, sandbox.token, fixture.tenants[1]!.tokens[0]!, 'wrong', ''];
  const bodies: Array<[string | undefined, string | undefined, boolean]> = [
    // [content-type, body, allowed by the spec]
    [undefined, undefined, true],
    ['application/json', '{}', true],
    ['application/json', '{"parameters":{"dateFrom":"2024-01-01","threshold":1000}}', true],
    ['application/json', '{"parameters":{"nested":{"deep":[1,2,{"x":null}]}},"extra":true}', true],
    ['application/json', '{"parameters":3}', false],
    ['application/json', '{"parameters":null}', false],
    ['application/json', '[]', false],
    ['application/json', '"text"', false],
    ['application/json', '{"parameters":', false],
    ['application/json', '{"__proto__":{"polluted":true}}', true],
    ['application/json', `{"parameters":{"big":"${'x'.repeat(70 * 1024)}"}}`, false],
    ['text/plain', 'hello', false],
    ['application/x-www-form-urlencoded', 'a=1', false],
  ];

  return (): FuzzRequest => {
    if (rng.chance(0.05)) {
      return {
        method: rng.pick(['GET', 'POST', 'DELETE']),
        path: rng.pick(['/', '/api', '/api/x/y', '/__sandbox/faults', `/api/${rng.guid()}`]),
        headers: {},
        valid: false,
      };
    }
    const operation = rng.pick(operations);
    const wrongMethod = rng.chance(0.08);
    const method = wrongMethod
      ? rng.pick(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'].filter((m) => m !== operation.method))
      : operation.method;
    const [tenantId, projectId] = rng.chance(0.85) ? tenants[0]! : rng.chance(0.5) ? tenants[1]! : [anyId(), anyId()];
    const ids: string[] = [];
    const path = operation.pathTemplate.replace(/\{([^}]+)\}/g, (_whole, name: string) => {
      const id = name === 'tenantId' ? tenantId : name === 'projectId' ? projectId : anyId();
      ids.push(id);
      return encodeURIComponent(id).replace(/%25/g, '%');
    });
    const headers: Record<string, string> = {};
    const token = rng.pick(tokens);
    if (!rng.chance(0.1)) {
      headers.authorization = rng.chance(0.95) ? `Bearer ${token}` : `Basic ${token}`;
    }
    let body: string | undefined;
    let bodyAllowed = true;
    if (method === 'POST' || (method !== 'GET' && method !== 'HEAD' && rng.chance(0.5))) {
      const [type, text, allowed] = rng.pick(bodies);
      if (type) {
        headers['content-type'] = type;
      }
      body = text;
      bodyAllowed = allowed || method !== 'POST';
    }
    const query = rng.chance(0.1) ? rng.pick(['?a=1', '?actionId=x&&&', '?%ZZ', '?x[]=1&x[]=2']) : '';
    const valid = !wrongMethod && ids.every((id) => uuidPattern.test(id)) && bodyAllowed;
    return { method, path: `${path}${query}`, headers, ...(body !== undefined ? { body } : {}), valid };
  };
}

describe(`spec-driven fuzz (seed ${seed}, ${requestCount} requests)`, () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ timeScale: 1000 });
  });
  afterAll(() => sandbox.close());

  it('never answers 5xx, matches the spec whenever the request does, and answers clear 4xx otherwise', async () => {
    const next = generator(sandbox);
    const requests = Array.from({ length: requestCount }, next);
    const problems: string[] = [];
    let validCount = 0;
    const run = async (request: FuzzRequest) => {
      const response = await fetch(`${sandbox.baseUrl}${request.path}`, {
        method: request.method,
        headers: request.headers,
        ...(request.body !== undefined ? { body: request.body } : {}),
        signal: AbortSignal.timeout(10_000),
      });
      const bytes = new Uint8Array(await response.arrayBuffer());
      const label = `${request.method} ${request.path.slice(0, 160)} → ${response.status}`;
      if (response.status >= 500) {
        problems.push(`5xx: ${label}`);
      }
      const path = request.path.split('?')[0]!;
      if (request.valid) {
        validCount += 1;
        problems.push(
          ...checkResponse(request.method, path, response.status, response.headers, bytes).violations.map(
            (v) => `${label}: ${v}`,
          ),
        );
      } else if (![400, 401, 404, 413, 415, 431].includes(response.status)) {
        problems.push(`unexpected status for an invalid request: ${label}`);
      } else if (response.status === 400 && !/"message":"[^"]+"/.test(new TextDecoder().decode(bytes))) {
        problems.push(`400 without a message: ${label}`);
      }
    };
    const queue = [...requests];
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let request = queue.shift(); request; request = queue.shift()) {
          await run(request);
        }
      }),
    );

    expect(problems).toEqual([]);
    expect(validCount).toBeGreaterThan(requestCount / 3); // the fuzz exercises the happy paths too
    expect(sandbox.admin.requests().filter((entry) => (entry.status ?? 0) >= 500)).toEqual([]);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    // Still serving after all that.
    const root = `${sandbox.baseUrl}/api/${sandbox.tenantId}/${sandbox.projectId}`;
    const after = await fetch(`${root}/actionexecution/action/${sandbox.actions[0]!.actionId}`, {
      headers: { authorization: `Bearer ${sandbox.token}` },
    });
    expect(after.status).toBe(200);
  }, 120_000); // 400 real requests: ~5 s alone, 20+ s on a 2-core machine running other suites
});
