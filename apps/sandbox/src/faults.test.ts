import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from './index.ts';
import { apiOf, seeded } from './test-support.ts';

let sandbox: Sandbox;
let api: ReturnType<typeof apiOf>;
beforeAll(async () => {
  sandbox = await startSandbox({ timeScale: 1000 });
  api = apiOf(sandbox);
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.admin.reset());

const historyPath = () => `/actionexecution/action/${seeded(sandbox.actions, 'Daily sales report').actionId}`;
const executePath = () => `/action/execute/${seeded(sandbox.actions, 'Daily sales report').actionId}`;

async function completedExecution(): Promise<string> {
  const { actionExecutionId } = await (await api.get(executePath())).json();
  sandbox.admin.advanceTime(10);
  return actionExecutionId;
}

describe('injected faults', () => {
  it('answer 429 with Retry-After for the next N matching requests, then normally', async () => {
    sandbox.admin.injectFault({
      operationId: 'listActionExecutions',
      kind: 'status',
      status: 429,
      retryAfter: 3,
      times: 2,
    });
    const statuses = [];
    for (let i = 0; i < 3; i++) {
      const response = await api.get(historyPath());
      statuses.push(response.status);
      if (response.status === 429) {
        expect(response.headers.get('retry-after')).toBe('3');
      }
    }
    expect(statuses).toEqual([429, 429, 200]);
    expect(sandbox.admin.requests().map((entry) => [entry.status, entry.fault])).toEqual([
      [429, 'status'],
      [429, 'status'],
      [200, null],
    ]);
  });

  it('answer 500, 502 and 503, with Retry-After only when asked', async () => {
    for (const status of [500, 502, 503] as const) {
      sandbox.admin.injectFault({ kind: 'status', status, ...(status === 503 ? { retryAfter: 2 } : {}) });
      const response = await api.get(historyPath());
      expect(response.status).toBe(status);
      expect(response.headers.get('retry-after')).toBe(status === 503 ? '2' : null);
    }
  });

  it('match only the given method and path pattern', async () => {
    sandbox.admin.injectFault({
      method: 'POST',
      path: '/api/*/*/block/*/execute',
      kind: 'status',
      status: 503,
      times: 'always',
    });
    expect((await api.get(historyPath())).status).toBe(200);
    const blockId = sandbox.blocks[0]!.blockId;
    expect((await api.post(`/block/${blockId}/execute`)).status).toBe(503);
    expect((await api.post(`/block/${blockId}/execute`)).status).toBe(503);
    expect(sandbox.admin.faults()).toEqual([expect.objectContaining({ remaining: 'always' })]);
    sandbox.admin.clearFaults();
    expect((await api.post(`/block/${blockId}/execute`)).status).toBe(202);
  });

  it('reset the connection before the request is handled: execute creates nothing', async () => {
    sandbox.admin.injectFault({ operationId: 'executeAction', kind: 'reset' });
    await expect(api.get(executePath())).rejects.toThrow();
    expect((await (await api.get(historyPath())).json()).items).toHaveLength(2); // the fixture's history only
    expect(sandbox.admin.requests({ operationId: 'executeAction' })).toEqual([
      expect.objectContaining({ status: null, fault: 'reset' }),
    ]);
  });

  it('reset the connection after execute created its execution (phase after)', async () => {
    sandbox.admin.injectFault({ operationId: 'executeAction', kind: 'reset', phase: 'after' });
    await expect(api.get(executePath())).rejects.toThrow();
    expect((await (await api.get(historyPath())).json()).items).toHaveLength(3);
    expect(sandbox.admin.requests({ operationId: 'executeAction' })).toHaveLength(1);
  });

  it('stall until the client gives up', async () => {
    sandbox.admin.injectFault({ operationId: 'getActionExecution', kind: 'stall' });
    const id = await completedExecution();
    await expect(api.get(`/actionexecution/${id}`, { signal: AbortSignal.timeout(300) })).rejects.toThrow(
      /aborted|timeout/i,
    );
    expect((await api.get(`/actionexecution/${id}`)).status).toBe(200);
  });

  it('cut a download short after K bytes, with the full Content-Length announced', async () => {
    const id = await completedExecution();
    const whole = await api.get(`/actionexecution/downloadpackage/${id}`);
    const size = Number(whole.headers.get('content-length'));
    expect((await whole.arrayBuffer()).byteLength).toBe(size);

    sandbox.admin.injectFault({ operationId: 'downloadActionExecutionPackage', kind: 'truncate', afterBytes: 100 });
    const cut = await api.get(`/actionexecution/downloadpackage/${id}`);
    expect(cut.status).toBe(200);
    expect(Number(cut.headers.get('content-length'))).toBe(size);
    let received = 0;
    const reader = cut.body!.getReader();
    const failure = await (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) {
          return undefined;
        }
        received += value.byteLength;
      }
    })().catch((error: Error) => error);
    expect(failure).toBeInstanceOf(Error);
    expect(received).toBe(100);
    expect(sandbox.admin.requests({ operationId: 'downloadActionExecutionPackage' }).at(-1)).toMatchObject({
      status: 200,
      fault: 'truncate',
    });
  });

  it('cut a JSON answer short too', async () => {
    sandbox.admin.injectFault({ operationId: 'listActionExecutions', kind: 'truncate', afterBytes: 10 });
    const response = await api.get(historyPath());
    await expect(response.text()).rejects.toThrow();
  });

  it(
    'cut a JSON answer into a complete-looking one with length "cut": ' + 'the execute ran, its answer does not parse',
    async () => {
      sandbox.admin.injectFault({ operationId: 'executeAction', kind: 'truncate', afterBytes: 20, length: 'cut' });
      const response = await api.get(executePath());
      expect(response.status).toBe(200);
      expect(response.headers.get('content-length')).toBe('20');
      const text = await response.text();
      expect(text).toHaveLength(20);
      expect(() => JSON.parse(text)).toThrow();
      expect((await (await api.get(historyPath())).json()).items).toHaveLength(3);
    },
  );

  it('answer a given body instead (an HTML page on a 200), before or after the request is handled', async () => {
    sandbox.admin.injectFault({ operationId: 'listActionExecutions', kind: 'body', body: '<html>Bad gateway</html>' });
    const page = await api.get(historyPath());
    expect([page.status, page.headers.get('content-type'), await page.text()]).toEqual([
      200,
      'text/html; charset=utf-8',
      '<html>Bad gateway</html>',
    ]);
    sandbox.admin.injectFault({
      operationId: 'executeAction',
      kind: 'body',
      body: 'queued',
      contentType: 'text/plain',
      phase: 'after',
    });
    expect(await (await api.get(executePath())).text()).toBe('queued');
    expect((await (await api.get(historyPath())).json()).items).toHaveLength(3);
  });

  it('add latency before the request is handled normally', async () => {
    sandbox.admin.injectFault({ operationId: 'listActionExecutions', kind: 'latency', ms: 250 });
    const started = performance.now();
    const response = await api.get(historyPath());
    expect(response.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(240);
  });

  it('are refused when malformed, naming the problem', () => {
    expect(() => sandbox.admin.injectFault({ kind: 'status', status: 418 as 500 })).toThrow(
      /status must be one of 429, 500, 502, 503/,
    );
    expect(() => sandbox.admin.injectFault({ kind: 'truncate', afterBytes: -1 })).toThrow(/afterBytes/);
    expect(() => sandbox.admin.injectFault({ kind: 'latency', ms: 5, phase: 'after' })).toThrow(/phase "after"/);
    expect(() => sandbox.admin.injectFault({ kind: 'truncate', afterBytes: 5, length: 'half' as 'cut' })).toThrow(
      /length must be/,
    );
    expect(() => sandbox.admin.injectFault({ kind: 'body', body: 5 as unknown as string })).toThrow(
      /body must be a string/,
    );
    expect(() => sandbox.admin.injectFault({ kind: 'body', body: '', status: 500 as 200 })).toThrow(
      /status must be one of 200, 202/,
    );
    expect(() => sandbox.admin.injectFault({ operationId: 'downloadPackage', kind: 'reset' })).toThrow(
      /operationId "downloadPackage" is not in the spec \(.*downloadActionExecutionPackage/,
    );
    expect(() => sandbox.admin.requests({ operationId: 'downloadPackage' })).toThrow(/not in the spec/);
  });
});

describe('the request log', () => {
  it('proves execute was sent exactly once', async () => {
    await api.get(executePath());
    await api.get(historyPath());
    const executes = sandbox.admin.requests({ operationId: 'executeAction' });
    expect(executes).toHaveLength(1);
    expect(executes[0]).toMatchObject({
      method: 'GET',
      path: `${api.root}${executePath()}`.replace(sandbox.baseUrl, ''),
      status: 200,
    });
    expect(Date.parse(executes[0]!.time)).not.toBeNaN();
  });

  it('records unknown paths and unauthorised requests, not admin calls', async () => {
    await fetch(`${sandbox.baseUrl}/nowhere`);
    await fetch(`${api.root}${historyPath()}`);
    await fetch(`${sandbox.baseUrl}/__sandbox/requests`, {
      headers: { authorization: `Bearer ${sandbox.adminToken}` },
    });
    expect(sandbox.admin.requests().map((entry) => [entry.operationId, entry.status])).toEqual([
      [null, 404],
      ['listActionExecutions', 401],
    ]);
  });
});

describe('the admin HTTP API', () => {
  const admin = (path: string, init: RequestInit = {}, token = sandbox.adminToken) =>
    fetch(`${sandbox.baseUrl}/__sandbox${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, ...(init.body ? { 'content-type': 'application/json' } : {}) },
    });

  it('needs the admin token (the API token is not enough)', async () => {
    expect((await admin('/requests', {}, sandbox.token)).status).toBe(401);
    expect((await fetch(`${sandbox.baseUrl}/__sandbox/faults`, { method: 'POST', body: '{}' })).status).toBe(401);
  });

  it('injects faults, lists requests, advances the clock and resets', async () => {
    const created = await admin('/faults', {
      method: 'POST',
      body: JSON.stringify({ operationId: 'executeAction', kind: 'status', status: 503 }),
    });
    expect(created.status).toBe(201);
    expect((await api.get(executePath())).status).toBe(503);
    const { requests } = await (await admin('/requests?operationId=executeAction')).json();
    expect(requests).toEqual([expect.objectContaining({ status: 503, fault: 'status' })]);

    const { actionExecutionId } = await (await api.get(executePath())).json();
    expect((await admin('/clock/advance', { method: 'POST', body: JSON.stringify({ ms: 10 }) })).status).toBe(204);
    expect((await (await api.get(`/actionexecution/${actionExecutionId}`)).json()).status).toBe('Completed');

    expect((await admin('/reset', { method: 'POST' })).status).toBe(204);
    expect((await api.get(`/actionexecution/${actionExecutionId}`)).status).toBe(404);
    const info = await (await admin('/info')).json();
    expect(info).toMatchObject({ baseUrl: sandbox.baseUrl, token: sandbox.token, tenantId: sandbox.tenantId });
  });

  it('answers 400 naming the problem for a malformed fault', async () => {
    const response = await admin('/faults', { method: 'POST', body: JSON.stringify({ kind: 'explode' }) });
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatch(/kind must be one of/);
  });
});
