import { existsSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createClient, InvalidArgumentError, NotFoundError, UnauthorizedError } from '@mindzie/client';
import { describe, expect, it } from 'vitest';
import { ExecutionFailedError, TokenRefusedError, UnsupportedError, WaitTimeoutError } from './errors.js';
import { nextStepOf } from './next-step.js';
import { runAction } from './node.js';
import { runAction as runActionInBrowser } from './run-action.js';
import { startAction } from './start-action.js';
import { countingServer, eventually, idOf, quick, useSandbox } from './test-support.js';

const env = useSandbox({ folder: 'poller-run-' });
/** For the test that must see every status: durations 5× longer, so a check delayed by a busy machine sees Running. */
const slow = useSandbox({ timeScale: 2 });

const action = (name: string) => idOf(env.sandbox.actions, name);
const executes = () => env.sandbox.admin.requests({ operationId: 'executeAction' });

describe('runAction', () => {
  it('executes once, waits and saves the package into the folder', async () => {
    const statuses: string[] = [];
    const executed: string[] = [];
    const result = await runAction(slow.client, action('Daily sales report'), {
      ...quick,
      download: { directory: env.folder },
      onExecuted: (e) => executed.push(e.actionExecutionId),
      onStatusChange: (e) => statuses.push(e.status),
    });
    expect(result.execution.status).toBe('Completed');
    expect(executed).toEqual([result.execution.actionExecutionId]);
    // Execute's answer is the first status; Running lasts 250 ms here, which a busy machine may check past.
    expect(statuses.at(0)).toBe('Queued');
    expect(statuses.at(-1)).toBe('Completed');
    expect(['Queued', 'Running', 'Completed'].filter((status) => statuses.includes(status))).toEqual(statuses);
    expect(result.file).toMatchObject({
      path: join(env.folder, `${result.execution.actionExecutionId}.zip`),
      filename: `${result.execution.actionExecutionId}.zip`,
    });
    expect(result.file!.bytes).toBeGreaterThan(100);
    expect(await readdir(env.folder)).toEqual([`${result.execution.actionExecutionId}.zip`]);
    expect(slow.sandbox.admin.requests({ operationId: 'executeAction' })).toHaveLength(1);
    // The first status request waits one step: execute's answer was the first observation.
    expect(slow.sandbox.admin.requests({ operationId: 'getActionExecution' }).length).toBeGreaterThan(0);
  });

  it('rejects a failed run with ExecutionFailedError and downloads nothing', async () => {
    const error = await runAction(env.client, action('Nightly data import'), {
      ...quick,
      download: { directory: env.folder },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExecutionFailedError);
    expect(await readdir(env.folder)).toEqual([]);
    expect(env.sandbox.admin.requests({ operationId: 'downloadActionExecutionPackage' })).toHaveLength(0);
    expect(executes()).toHaveLength(1);
  });

  it('returns a failed run when asked', async () => {
    const result = await runActionInBrowser(env.client, action('Nightly data import'), {
      ...quick,
      returnFailed: true,
    });
    expect(result.execution.status).toBe('Failed');
    expect(result).not.toHaveProperty('file');
  });

  it('checks the download target before executing anything', async () => {
    const taken = join(env.folder, 'taken.zip');
    await writeFile(taken, 'x');
    for (const download of [
      { directory: taken }, // a file where the folder should be
      { directory: join(taken, 'below') },
      { path: taken },
      { path: taken, directory: env.folder },
    ]) {
      await expect(runAction(env.client, action('Daily sales report'), { ...quick, download })).rejects.toBeInstanceOf(
        InvalidArgumentError,
      );
    }
    await expect(runAction(env.client, action('Daily sales report'), { ...quick, factor: 0 })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    expect(env.sandbox.admin.requests()).toHaveLength(0);
  });

  it('creates the download folder and its parents before execute, then saves the package inside', async () => {
    const folder = join(env.folder, 'out', 'nightly');
    let existedAtExecute: boolean | undefined;
    const result = await runAction(env.client, action('Daily sales report'), {
      ...quick,
      download: { directory: folder },
      onExecuted: () => {
        existedAtExecute = existsSync(folder);
      },
    });
    expect(existedAtExecute).toBe(true);
    expect(await readdir(folder)).toEqual([`${result.execution.actionExecutionId}.zip`]);
    expect(result.file.path).toBe(join(folder, `${result.execution.actionExecutionId}.zip`));
    // A second run into the same folder saves a second file next to the first.
    const again = await runAction(env.client, action('Daily sales report'), {
      ...quick,
      download: { directory: folder },
    });
    expect((await readdir(folder)).sort()).toEqual([result.file.filename, again.file.filename].sort());
    expect(executes()).toHaveLength(2);
  });

  it("creates a path's folder and still refuses to overwrite the file unless asked", async () => {
    const path = join(env.folder, 'reports', 'today.zip');
    const first = await runAction(env.client, action('Daily sales report'), { ...quick, download: { path } });
    expect(first.file.path).toBe(path);
    env.sandbox.admin.clearRequests();
    const error = await runAction(env.client, action('Daily sales report'), { ...quick, download: { path } }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).toBe(`${path} already exists; pass overwrite: true to replace it`);
    expect(env.sandbox.admin.requests()).toHaveLength(0);
    const replaced = await runAction(env.client, action('Daily sales report'), {
      ...quick,
      download: { path, overwrite: true },
    });
    expect(replaced.file.path).toBe(path);
  });

  it('the browser-safe runAction refuses download at once, naming @mindzie/poller/node', async () => {
    const options = { ...quick, download: { directory: env.folder } } as unknown as Parameters<
      typeof runActionInBrowser
    >[2];
    const error = await runActionInBrowser(env.client, action('Daily sales report'), options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({ argument: 'download' });
    expect((error as Error).message).toContain("import runAction from '@mindzie/poller/node'");
    expect(env.sandbox.admin.requests()).toHaveLength(0);
  });

  it('says a refused token (401) refused nothing but the read before execute, and sends no execute', async () => {
    const { baseUrl, tenantId, projectId } = env.sandbox;
    const refused = createClient({ baseUrl, tenantId, projectId, token: 'not-the-sandbox-token' });
    const error = await runAction(refused, action('Daily sales report'), quick).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenRefusedError);
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect(error).toMatchObject({ status: 401, executed: false, method: 'GET' });
    const { message } = error as Error;
    expect(message).toMatch(
      /^The token was refused \(401 on GET \/api\/.+\/actionexecution\/action\/.+, the read before execute\)/,
    );
    expect(message).toContain('): nothing was executed.');
    expect(message).not.toContain('not-the-sandbox-token');
    expect(executes()).toHaveLength(0);
  });

  it('says the same of a 403 on the read before execute', async () => {
    const server = await countingServer((_req, res) => {
      res.statusCode = 403;
      res.setHeader('content-type', 'text/plain').end('Forbidden');
    });
    try {
      const error = await startAction(server.client, 'a0000000-0000-4000-8000-000000000001').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TokenRefusedError);
      expect(error).toMatchObject({ status: 403, executed: false });
      expect((error as Error).message).toContain('nothing was executed');
      expect(server.stats.total).toBe(1); // the read only: execute was never sent
    } finally {
      await server.close();
    }
  });

  it.each([
    ['null', 'null'],
    ['an object without an id', '{"status":"Queued"}'],
  ])('rejects with UnsupportedError, sending nothing more, when execute answers %s', async (_, body) => {
    // The list before execute is empty; execute (and anything after it) answers `body`.
    const server = await countingServer((req, res) =>
      res
        .setHeader('content-type', 'application/json')
        .end(/\/actionexecution\/action\//.test(req.url!) ? '{"items":[]}' : body),
    );
    try {
      const executed: unknown[] = [];
      const error = await runAction(server.client, 'a0000000-0000-4000-8000-000000000001', {
        ...quick,
        onExecuted: (e) => executed.push(e),
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UnsupportedError);
      expect((error as Error).message).toBe(
        'Execute answered something that is not an execution: check the last execution of action ' +
          'a0000000-0000-4000-8000-000000000001 before running it again, as one may have been created',
      );
      expect(executed).toEqual([]);
      await new Promise((r) => setTimeout(r, 100));
      expect(server.stats.total).toBe(2); // the executions before, then execute: no status check, no second execute
    } finally {
      await server.close();
    }
  });

  it('passes on a refused execute (404) without retrying it', async () => {
    await expect(runAction(env.client, action('Archived export'), quick)).rejects.toBeInstanceOf(NotFoundError);
    expect(executes()).toHaveLength(1);
  });

  it('completes through 429s, 503s and resets on status and download requests, with one execute', async () => {
    env.sandbox.admin.injectFault({ operationId: 'getActionExecution', kind: 'status', status: 429, retryAfter: 0 });
    env.sandbox.admin.injectFault({ operationId: 'getActionExecution', kind: 'status', status: 503, times: 2 });
    env.sandbox.admin.injectFault({ operationId: 'getActionExecution', kind: 'reset' });
    env.sandbox.admin.injectFault({ operationId: 'downloadActionExecutionPackage', kind: 'status', status: 503 });
    const result = await runAction(env.client, action('Daily sales report'), {
      ...quick,
      download: { directory: env.folder },
    });
    expect(result.file?.bytes).toBeGreaterThan(0);
    expect(executes()).toHaveLength(1);
  });

  it('times out under one deadline across execute and wait, with the last execution seen', async () => {
    // Execute takes 3 s of a 5 s deadline: one deadline ends near 5 s, a fresh one for the wait would end after 8 s.
    // (With 300 ms of 700, the read before execute alone outlasted the deadline on a machine at load 25.)
    env.sandbox.admin.injectFault({ operationId: 'executeAction', kind: 'latency', ms: 3_000 });
    const started = Date.now();
    const error = await runAction(env.client, action('Full reprocessing'), { ...quick, timeoutMs: 5_000 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect((error as WaitTimeoutError).lastSeen).toMatchObject({ actionId: action('Full reprocessing') });
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(executes()).toHaveLength(1);
  });

  it('times out inside execute when execute alone outlasts the deadline, and says to check first', async () => {
    env.sandbox.admin.injectFault({ operationId: 'executeAction', kind: 'stall' });
    const id = action('Daily sales report');
    // Long enough for the read before execute to answer on a busy machine; execute never does.
    const error = await runAction(env.client, id, { ...quick, timeoutMs: 3_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect((error as WaitTimeoutError).lastSeen).toBeUndefined();
    expect(executes()).toHaveLength(1);
    // Execute may have arrived: whether it created an execution is unknown.
    expect(nextStepOf(error)).toEqual({
      executionCreated: 'unknown',
      safeToRunAgain: false,
      step: 'check',
      command: `mindzie action history ${id}`,
      call: `client.listActionExecutions("${id}")`,
    });
  });

  it('keeps the execution id when the caller aborts while execute is on its way', async () => {
    env.sandbox.admin.injectFault({ operationId: 'executeAction', kind: 'latency', ms: 2_000 });
    const controller = new AbortController();
    const reason = new Error('aborted during execute');
    // Abort once execute has reached the sandbox: a 50 ms timer fired before it left on a machine at load 38.
    void eventually(() => executes().length > 0, 30_000).then(
      () => controller.abort(reason),
      () => controller.abort(new Error('execute never reached the sandbox')),
    );
    const executed: string[] = [];
    await expect(
      runAction(env.client, action('Full reprocessing'), {
        ...quick,
        signal: controller.signal,
        onExecuted: (e) => executed.push(e.actionExecutionId),
      }),
    ).rejects.toBe(reason);
    expect(executes()).toHaveLength(1);
    // The id handed to onExecuted is the execution the server created.
    const history = await env.client.listActionExecutions(action('Full reprocessing'));
    expect(executed).toEqual([history[0]!.actionExecutionId]);
    expect(env.sandbox.admin.requests({ operationId: 'getActionExecution' })).toHaveLength(0);
  });

  it('rejects with the abort reason wherever the signal fires, with one execute and no file', async () => {
    // At once, and once execute has reached the sandbox (a 100 ms timer fired before it left at load 30).
    for (const when of ['at once', 'after execute arrived'] as const) {
      const before = executes().length;
      const controller = new AbortController();
      const reason = new Error(`aborted ${when}`);
      if (when === 'at once') {
        setTimeout(() => controller.abort(reason), 0);
      } else {
        void eventually(() => executes().length > before, 30_000).then(
          () => controller.abort(reason),
          () => controller.abort(new Error('execute never reached the sandbox')),
        );
      }
      await expect(
        runAction(env.client, action('Full reprocessing'), {
          ...quick,
          signal: controller.signal,
          download: { directory: env.folder },
        }),
      ).rejects.toBe(reason);
      await new Promise((r) => setTimeout(r, 100)); // an execute aborted on the way may still arrive
      expect(executes().length - before).toBeLessThanOrEqual(1);
    }
    expect(executes().length).toBeGreaterThanOrEqual(1); // the later abort came after execute was sent
    expect(await readdir(env.folder)).toEqual([]);
  });
});
