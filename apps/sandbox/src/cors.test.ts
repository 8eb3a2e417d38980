import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, SandboxInputError, startSandbox } from './index.ts';
import { seeded } from './test-support.ts';

// CORS behind the corsOrigin option, as a browser page on another origin meets it.
const origin = 'http://app.localhost:5173';
let withCors: Sandbox;
let withoutCors: Sandbox;
beforeAll(async () => {
  withCors = await startSandbox({ corsOrigin: origin });
  withoutCors = await startSandbox();
});
afterAll(() => Promise.all([withCors.close(), withoutCors.close()]));

const lastExecutionUrl = (sandbox: Sandbox) => {
  const { actionId } = seeded(sandbox.actions, 'Daily sales report');
  return `${sandbox.baseUrl}/api/${sandbox.tenantId}/${sandbox.projectId}/actionexecution/lastaction/${actionId}`;
};

const preflight = (sandbox: Sandbox) =>
  fetch(lastExecutionUrl(sandbox), {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
  });

describe('CORS (corsOrigin)', () => {
  it('answers a preflight without a token and leaves it out of the request log', async () => {
    const before = withCors.admin.requests().length;
    const response = await preflight(withCors);
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(origin);
    expect(response.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    expect(withCors.admin.requests()).toHaveLength(before);
  });

  it('lets the page read answers, a 401 and the headers a download needs included', async () => {
    const ok = await fetch(lastExecutionUrl(withCors), {
      headers: { origin, authorization: `Bearer ${withCors.token}` },
    });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe(origin);
    expect(ok.headers.get('access-control-expose-headers')).toContain('content-disposition');
    const refused = await fetch(lastExecutionUrl(withCors), { headers: { origin, authorization: 'Bearer wrong' } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe(origin);
  });

  it('sends no CORS header without the option', async () => {
    const response = await fetch(lastExecutionUrl(withoutCors), {
      headers: { origin, authorization: `Bearer ${withoutCors.token}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect((await preflight(withoutCors)).headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses an origin that is not one, naming it', async () => {
    for (const corsOrigin of ['app.localhost', 'http://app.localhost/path', '']) {
      await expect(startSandbox({ corsOrigin }), corsOrigin).rejects.toThrow(SandboxInputError);
    }
    await expect(startSandbox({ corsOrigin: 'nope' })).rejects.toThrow(/corsOrigin .*nope/);
  });
});
