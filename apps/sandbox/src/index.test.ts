import { afterEach, describe, expect, it } from 'vitest';
import { getDefaultFixture, type Sandbox, startSandbox } from './index.ts';
import { apiOf, seeded } from './test-support.ts';

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

describe('startSandbox', () => {
  it('listens on a free loopback port and describes the default tenant, actions and blocks', async () => {
    sandbox = await startSandbox();
    expect(sandbox.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sandbox.token).toBe('sandbox-token');
    expect(sandbox.actions.map((action) => action.outcome)).toEqual(
      expect.arrayContaining(['Completed', 'Failed', 'CannotCreateExecution']),
    );
    expect(sandbox.blocks.map((block) => block.outcome)).toEqual(
      expect.arrayContaining(['Success', 'Failed', 'Cancelled']),
    );
    expect(sandbox.blocks.some((block) => block.results === 'notImplemented')).toBe(true);
    expect(seeded(sandbox.actions, 'Full reprocessing').durationMs).toBe(600_000);
  });

  it('scales scripted durations by timeScale', async () => {
    sandbox = await startSandbox({ timeScale: 60 });
    expect(seeded(sandbox.actions, 'Full reprocessing').durationMs).toBe(10_000);
  });

  it('refuses a bad time scale and a bad fixture with a message naming the problem', async () => {
    await expect(startSandbox({ timeScale: 0 })).rejects.toThrow(/timeScale/);
    const fixture = getDefaultFixture();
    fixture.tenants[0]!.projects[0]!.actions[0]!.actionId = 'not-a-guid';
    await expect(startSandbox({ fixture })).rejects.toThrow(
      /tenants\[0\]\.projects\[0\]\.actions\[0\]\.actionId must be a GUID/,
    );
  });

  it('closes while a request is stalled', async () => {
    sandbox = await startSandbox();
    sandbox.admin.injectFault({ kind: 'stall' });
    const pending = apiOf(sandbox)
      .get(`/actionexecution/action/${sandbox.actions[0]!.actionId}`)
      .catch((error: Error) => error);
    await expect.poll(() => sandbox!.admin.requests().length).toBe(1);
    await sandbox.close();
    sandbox = undefined;
    expect(await pending).toBeInstanceOf(Error);
  });
});

describe('executions', () => {
  it('move from Queued through Running to Completed on the fixture schedule', async () => {
    sandbox = await startSandbox();
    const api = apiOf(sandbox);
    const action = seeded(sandbox.actions, 'Daily sales report');
    const queued = await (await api.get(`/action/execute/${action.actionId}`)).json();
    expect(queued).toMatchObject({ actionId: action.actionId, status: 'Queued', dateEnded: null, notes: null });

    const read = async () => (await api.get(`/actionexecution/${queued.actionExecutionId}`)).json();
    sandbox.admin.advanceTime(600); // past the 500 ms queue
    expect((await read()).status).toBe('Running');
    sandbox.admin.advanceTime(2500);
    const completed = await read();
    expect(completed.status).toBe('Completed');
    expect(Date.parse(completed.dateEnded) - Date.parse(completed.dateStarted)).toBe(3000);
  });

  it('fail with the fixture notes and no package', async () => {
    sandbox = await startSandbox({ timeScale: 1000 });
    const api = apiOf(sandbox);
    const action = seeded(sandbox.actions, 'Nightly data import');
    const { actionExecutionId } = await (await api.get(`/action/execute/${action.actionId}`)).json();
    sandbox.admin.advanceTime(10);
    const failed = await (await api.get(`/actionexecution/${actionExecutionId}`)).json();
    expect(failed.status).toBe('Failed');
    expect(failed.notes).toMatch(/Data source connection failed/);
    const download = await api.get(`/actionexecution/downloadpackage/${actionExecutionId}`);
    expect(download.status).toBe(404);
    expect(await download.json()).toEqual({ error: 'Zip file not found', executionId: actionExecutionId });
  });

  it('keep the history newest first and the last one as "last execution"', async () => {
    sandbox = await startSandbox();
    const api = apiOf(sandbox);
    const action = seeded(sandbox.actions, 'Daily sales report');
    const before = (await (await api.get(`/actionexecution/action/${action.actionId}`)).json()).items;
    const { actionExecutionId } = await (await api.get(`/action/execute/${action.actionId}`)).json();
    const after = (await (await api.get(`/actionexecution/action/${action.actionId}`)).json()).items;
    expect(after).toHaveLength(before.length + 1);
    expect(after[0].actionExecutionId).toBe(actionExecutionId);
    const last = await (await api.get(`/actionexecution/lastaction/${action.actionId}`)).json();
    expect(last.actionExecutionId).toBe(actionExecutionId);
  });

  it('give each past run of the history its own duration when the fixture says', async () => {
    const fixture = getDefaultFixture();
    const action = fixture.tenants[0]!.projects[0]!.actions[0]!;
    action.history = [
      { actionExecutionId: 'e1000000-0000-4000-8000-000000000001', dateStarted: '2026-01-01T00:00:00Z' },
      { actionExecutionId: 'e1000000-0000-4000-8000-000000000002', dateStarted: '2026-01-02T00:00:00Z', durationMs: 7 },
    ];
    sandbox = await startSandbox({ fixture, timeScale: 60 });
    const items = (await (await apiOf(sandbox).get(`/actionexecution/action/${action.actionId}`)).json()).items;
    const ran = items.map(
      (e: { dateStarted: string; dateEnded: string }) => Date.parse(e.dateEnded) - Date.parse(e.dateStarted),
    );
    // Real ms, whatever the time scale: the history happened before the sandbox started.
    expect(ran).toEqual([(action.queuedMs ?? 500) + 7, (action.queuedMs ?? 500) + action.durationMs]);
    action.history[0]!.durationMs = -1;
    await expect(startSandbox({ fixture })).rejects.toThrow(/history\[0\]\.durationMs must be a number of ms >= 0/);
  });

  it('cost no timer each: 2 000 running at once leave no timer behind', async () => {
    sandbox = await startSandbox();
    const api = apiOf(sandbox);
    const long = seeded(sandbox.actions, 'Full reprocessing');
    const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
    const timersBefore = timers();
    let remaining = 2_000;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (remaining-- > 0) {
          expect((await api.get(`/action/execute/${long.actionId}`)).status).toBe(200);
        }
      }),
    );
    expect(timers() - timersBefore).toBeLessThan(5);
    const history = (await (await api.get(`/actionexecution/action/${long.actionId}`)).json()).items;
    const inProgress = (execution: { status: string }) =>
      execution.status === 'Queued' || execution.status === 'Running';
    expect(history.filter(inProgress)).toHaveLength(2_000);
    sandbox.admin.advanceTime(600_000);
    const later = (await (await api.get(`/actionexecution/action/${long.actionId}`)).json()).items;
    expect(later.filter((execution: { status: string }) => execution.status === 'Completed')).toHaveLength(2_000);
  }, 90_000); // 2 000 requests: a few seconds alone, far more on a loaded machine

  it('of blocks end Success with the result, Failed with errorMessage, or Cancelled', async () => {
    sandbox = await startSandbox({ timeScale: 1000 });
    const api = apiOf(sandbox);
    const ids: Record<string, string> = {};
    for (const name of ['Revenue filter', 'Amount threshold alert', 'Obsolete calculator']) {
      const block = seeded(sandbox.blocks, name);
      const response = await api.post(`/block/${block.blockId}/execute`, { parameters: { region: 'North' } });
      expect(response.status).toBe(202);
      ids[name] = (await response.json()).executionId;
    }
    sandbox.admin.advanceTime(10);
    const latest = async (name: string) => {
      const results = await (await api.get(`/block/${seeded(sandbox!.blocks, name).blockId}/results`)).json();
      expect(results.executions[0].executionId).toBe(ids[name]);
      return results.executions[0];
    };
    expect(await latest('Revenue filter')).toMatchObject({
      status: 'Success',
      result: { rowsProcessed: 15230, alertsRaised: 3, parameters: { region: 'North' } },
      errorMessage: null,
    });
    expect(await latest('Amount threshold alert')).toMatchObject({
      status: 'Failed',
      result: null,
      errorMessage: expect.stringMatching(/Amount/),
    });
    expect(await latest('Obsolete calculator')).toMatchObject({
      status: 'Cancelled',
      result: null,
      errorMessage: null,
    });
  });

  it('of a block can answer its results like the vendor server does today', async () => {
    sandbox = await startSandbox();
    const block = seeded(sandbox.blocks, 'Legacy server block');
    const api = apiOf(sandbox);
    expect((await api.post(`/block/${block.blockId}/execute`)).status).toBe(202);
    expect(await (await api.get(`/block/${block.blockId}/results`)).json()).toEqual({
      blockId: block.blockId,
      message: 'Block execution history not yet implemented',
      executions: [],
    });
  });

  it('are forgotten by reset, which brings back the fixture history', async () => {
    sandbox = await startSandbox();
    const api = apiOf(sandbox);
    const action = seeded(sandbox.actions, 'Large export');
    await api.get(`/action/execute/${action.actionId}`);
    expect((await api.get(`/actionexecution/lastaction/${action.actionId}`)).status).toBe(200);
    sandbox.admin.reset();
    expect((await api.get(`/actionexecution/lastaction/${action.actionId}`)).status).toBe(404);
    expect(sandbox.admin.requests()).toHaveLength(1);
  });
});

describe('tenants', () => {
  it("never show another tenant's data: its ids answer 404 exactly as unknown ids", async () => {
    sandbox = await startSandbox();
    const fixture = getDefaultFixture();
    const other = fixture.tenants[1]!;
    const otherProject = other.projects[0]!;
    const otherAction = otherProject.actions[0]!;
    const otherExecution = otherAction.history![0]!.actionExecutionId;
    const mine = apiOf(sandbox);
    const asOther = (path: string) =>
      fetch(`${sandbox!.baseUrl}/api/${other.tenantId}/${otherProject.projectId}${path}`, {
        headers: { authorization: `Bearer ${sandbox!.token}` },
      });

    for (const path of [`/actionexecution/${otherExecution}`, `/actionexecution/downloadpackage/${otherExecution}`]) {
      const response = await asOther(path);
      expect(response.status).toBe(404);
      expect(JSON.stringify(await response.json())).not.toMatch(/secret|Completed/);
    }
    expect(await (await asOther(`/action/execute/${otherAction.actionId}`)).json()).toEqual({
      error: 'Action not found',
      actionId: otherAction.actionId,
    });
    expect(await (await asOther(`/actionexecution/action/${otherAction.actionId}`)).json()).toEqual({ items: [] });
    // The other tenant's execution id through my own tenant's path: unknown too.
    expect((await mine.get(`/actionexecution/${otherExecution}`)).status).toBe(404);

    // With its own token, the other tenant sees its data.
    const own = await fetch(
      `${sandbox.baseUrl}/api/${other.tenantId}/${otherProject.projectId}/actionexecution/${otherExecution}`,
      {
        headers: { authorization: `Bearer ${other.tokens[0]}` },
      },
    );
    expect(own.status).toBe(200);
  });

  it('answer 401 with the free-text message for a missing or unknown token', async () => {
    sandbox = await startSandbox();
    const apiRoot = `${sandbox.baseUrl}/api/${sandbox.tenantId}/${sandbox.projectId}`;
    const path = `${apiRoot}/actionexecution/action/${sandbox.actions[0]!.actionId}`;
    for (const headers of [{}, { authorization: 'Bearer wrong' }, { authorization: sandbox.token }] as Record<
      string,
      string
    >[]) {
      const response = await fetch(path, { headers });
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await response.text()).toBe('Invalid or expired access token');
    }
  });
});
