// A lost execute answer, against the sandbox's fault injection: `phase: "after"` is the case
// where execute ran and its answer was lost; `before` the case where it never ran.
import { readdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { type ActionExecution, createClient, MiddlewareError, NetworkError, NotFoundError } from '@mindzie/client';
import { describe, expect, it } from 'vitest';
import { ExecuteAnswerLostError, ExecuteOutcomeUnknownError, ExecutionNotCreatedError } from './errors.js';
import { runAction } from './node.js';
import { candidatesIn } from './reconcile.js';
import { startAction } from './start-action.js';
import {
  holdingExecute,
  idOf,
  lostAfterExecute,
  lostBeforeExecute,
  quick,
  testReconcile,
  useSandbox,
} from './test-support.js';

// A short per-request limit, so a stalled execute is given up quickly (the poller never retries it).
const env = useSandbox({ client: { timeoutMs: 1_000 }, folder: 'poller-lost-' });

const action = (name: string) => idOf(env.sandbox.actions, name);
const executes = () => env.sandbox.admin.requests({ operationId: 'executeAction' });
const historyReads = () => env.sandbox.admin.requests({ operationId: 'listActionExecutions' });
const reconcile = testReconcile;

describe('runAction when execute created the execution but its answer was lost', () => {
  it.each(lostAfterExecute)('adopts it after %s, then waits and saves the package as usual', async (_, fault) => {
    env.sandbox.admin.injectFault({ ...fault, operationId: 'executeAction' });
    const told: Array<[string, boolean]> = [];
    const result = await runAction(env.client, action('Daily sales report'), {
      ...quick,
      reconcile,
      download: { directory: env.folder },
      onExecuted: (e, how) => told.push([e.actionExecutionId, how.adopted]),
    });
    const id = result.execution.actionExecutionId;
    expect(result).toMatchObject({ adopted: true, execution: { status: 'Completed' } });
    expect(result.recoveredFrom).toBeInstanceOf(Error);
    expect(told).toEqual([[id, true]]);
    expect(await readdir(env.folder)).toEqual([`${id}.zip`]);
    expect(executes()).toHaveLength(1);
    const history = await env.client.listActionExecutions(action('Daily sales report'));
    expect(history.filter((e) => e.actionExecutionId === id)).toHaveLength(1);
  });

  it('does not search when execute answered: one read of the executions before, serving the wait too', async () => {
    const result = await runAction(env.client, action('Daily sales report'), { ...quick, reconcile });
    expect(result.adopted).toBe(false);
    expect(result).not.toHaveProperty('recoveredFrom');
    expect(env.sandbox.admin.requests({ operationId: 'getLastActionExecution' })).toHaveLength(0);
    expect(historyReads()).toHaveLength(1); // the baseline for a lost answer, and the wait's duration prior
  });
});

describe('runAction when execute created nothing', () => {
  it.each(lostBeforeExecute)('says "most likely not created" after %s, adopting nothing', async (_, fault) => {
    env.sandbox.admin.injectFault({ ...fault, operationId: 'executeAction' });
    const told: unknown[] = [];
    const error = await runAction(env.client, action('Daily sales report'), {
      ...quick,
      reconcile,
      onExecuted: (e) => told.push(e),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExecutionNotCreatedError);
    const lost = error as ExecutionNotCreatedError;
    expect(lost).toMatchObject({
      executionCreated: false,
      safeToRunAgain: true,
      candidates: [],
      actionId: action('Daily sales report'),
    });
    expect(lost.message).toMatch(/most likely not created, and it is reasonable to run it again/);
    expect(lost.next).toMatchObject({
      step: 'run-again',
      command: `mindzie action run ${action('Daily sales report')}`,
    });
    expect(lost.message).toContain('e0000000-0000-4000-8000-000000000002'); // the last execution seen before
    expect(lost.lookedForMs).toBeGreaterThanOrEqual(reconcile.windowMs);
    expect(lost.cause).toBeInstanceOf(Error);
    expect(told).toEqual([]);
    expect(executes()).toHaveLength(1);
    expect(historyReads().length).toBeGreaterThanOrEqual(2);
    expect(env.sandbox.admin.requests({ operationId: 'getActionExecution' })).toHaveLength(0);
  });

  it.each([
    ['a middleware throws in onRequest', 'middleware'],
    ['the connection is refused', 'refused'],
  ] as const)('says "not created" at once, searching nothing, when execute was never sent: %s', async (_, how) => {
    const { baseUrl, token, tenantId, projectId } = env.sandbox;
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedOrigin = `http://127.0.0.1:${(closed.address() as { port: number }).port}`;
    await new Promise((resolve) => closed.close(resolve)); // a port where nothing listens
    const isExecute = (request: Request) => request.url.includes('/action/execute/');
    const client = createClient({
      baseUrl,
      token,
      tenantId,
      projectId,
      // The client calls fetch with a Request: execute's goes to a port where nothing listens.
      fetch: (input, init) => {
        const request = input as Request;
        const refused = how === 'refused' && isExecute(request);
        return fetch(refused ? new Request(request.url.replace(baseUrl, closedOrigin), request) : request, init);
      },
    });
    client.use({
      onRequest: ({ request }) => {
        if (how === 'middleware' && isExecute(request)) {
          throw new TypeError('my middleware broke');
        }
      },
    });
    const error = await runAction(client, action('Daily sales report'), { ...quick, reconcile }).catch((e) => e);
    expect(error).toBeInstanceOf(ExecutionNotCreatedError);
    expect(error).toMatchObject({ notSent: true, lookedForMs: 0, executionCreated: false, safeToRunAgain: true });
    expect(error.message).toMatch(/was never sent .*: no execution was created/);
    expect(error.cause).toBeInstanceOf(how === 'refused' ? NetworkError : MiddlewareError);
    expect(executes()).toHaveLength(0);
    expect(historyReads()).toHaveLength(1); // the executions listed before execute: no search
  });

  it('passes on a refused execute (404) at once, without searching', async () => {
    await expect(runAction(env.client, action('Archived export'), { ...quick, reconcile })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    expect(executes()).toHaveLength(1);
    expect(historyReads()).toHaveLength(1); // the one before execute: no search
  });
});

describe('runAction when what happened cannot be told', () => {
  it('adopts nothing and lists both when two new executions appear (another client ran the action too)', async () => {
    const id = action('Daily sales report');
    // Our execute is held in this process until another client has run the action, then its
    // answer is lost: both exist before the search starts, whatever the machine's load.
    const held = holdingExecute(env.sandbox);
    const running = runAction(held.client, id, { ...quick, reconcile }).catch((e: unknown) => e);
    await held.reached;
    const other = await env.client.executeAction(id);
    env.sandbox.admin.injectFault({ operationId: 'executeAction', kind: 'reset', phase: 'after' });
    held.release();
    const error = (await running) as ExecuteOutcomeUnknownError<ActionExecution>;
    expect(error).toBeInstanceOf(ExecuteOutcomeUnknownError);
    expect(error).toMatchObject({ why: 'several-candidates', executionCreated: 'unknown', safeToRunAgain: false });
    expect(error.candidates.map((e) => e.actionExecutionId)).toContain(other.actionExecutionId);
    expect(error.candidates).toHaveLength(2);
    for (const candidate of error.candidates) {
      expect(error.message).toContain(candidate.actionExecutionId);
    }
    expect(error.message).toMatch(/none was adopted/);
    expect(error.next).toMatchObject({
      step: 'check',
      executionCreated: 'unknown',
      command: `mindzie action history ${id}`,
    });
    expect(executes()).toHaveLength(2); // ours once, the other client's once
  });

  it('says so when the history cannot be read', async () => {
    env.sandbox.admin.injectFault({ operationId: 'executeAction', kind: 'status', status: 503, phase: 'after' });
    // The list before execute answers; every read after it fails.
    const held = holdingExecute(env.sandbox);
    const running = runAction(held.client, action('Daily sales report'), { ...quick, reconcile }).catch(
      (e: unknown) => e,
    );
    await held.reached;
    env.sandbox.admin.injectFault({
      operationId: 'listActionExecutions',
      kind: 'status',
      status: 503,
      times: 'always',
    });
    held.release();
    const error = (await running) as ExecuteOutcomeUnknownError<ActionExecution>;
    expect(error).toBeInstanceOf(ExecuteOutcomeUnknownError);
    expect(error).toMatchObject({ why: 'history-unreadable', executionCreated: 'unknown' });
    expect(error.historyError).toBeInstanceOf(Error);
    expect(executes()).toHaveLength(1);
  });

  it('does not search with reconcile: false, and says the outcome is unknown', async () => {
    env.sandbox.admin.injectFault({ operationId: 'executeAction', kind: 'status', status: 503, phase: 'after' });
    const error = (await runAction(env.client, action('Daily sales report'), { ...quick, reconcile: false }).catch(
      (e: unknown) => e,
    )) as ExecuteOutcomeUnknownError<ActionExecution>;
    expect(error).toBeInstanceOf(ExecuteOutcomeUnknownError);
    expect(error).toBeInstanceOf(ExecuteAnswerLostError);
    expect(error).toMatchObject({ why: 'reconcile-off', lookedForMs: 0, lastSeenBefore: undefined });
    expect(error.message).toMatch(/Check its executions \(client.listActionExecutions\) before running it again/);
    expect(historyReads()).toHaveLength(0);
    expect(env.sandbox.admin.requests({ operationId: 'getLastActionExecution' })).toHaveLength(0);
    expect(executes()).toHaveLength(1);
  });
});

describe('startAction', () => {
  it('answers the new execution and whether it was adopted', async () => {
    env.sandbox.admin.injectFault({ operationId: 'executeAction', kind: 'reset', phase: 'after' });
    const started = await startAction(env.client, action('Daily sales report'), { reconcile });
    expect(started.adopted).toBe(true);
    const [newest] = await env.client.listActionExecutions(action('Daily sales report'));
    expect(started.execution.actionExecutionId).toBe(newest!.actionExecutionId);
    expect(executes()).toHaveLength(1);
  });

  it('refuses a bad reconcile option before sending anything', async () => {
    for (const value of [null, 'yes', { windowMs: -1 }, { clockSkewMs: 'x' }]) {
      await expect(
        startAction(env.client, action('Daily sales report'), { reconcile: value as never }),
      ).rejects.toMatchObject({ name: 'InvalidArgumentError', argument: 'reconcile' });
    }
    await expect(runAction(env.client, action('Daily sales report'), { reconcile: 5 as never })).rejects.toMatchObject({
      argument: 'reconcile',
    });
    expect(env.sandbox.admin.requests()).toHaveLength(0);
  });
});

describe('candidatesIn (which executions a lost execute may have created)', () => {
  const at = (id: string, dateStarted: string) => ({ actionExecutionId: id, dateStarted }) as ActionExecution;
  const before = { lastSeen: at('A', '2026-01-01T10:00:00.000Z'), sentAt: Date.parse('2026-01-01T10:05:00.000Z') };

  it('keeps executions newer than the one seen before, started since execute was sent less the skew', () => {
    const items = [
      at('C', '2026-01-01T10:05:01.000Z'),
      at('B', '2026-01-01T10:04:00.000Z'),
      at('A', '2026-01-01T10:00:00.000Z'),
      at('Z', '2026-01-01T09:00:00.000Z'),
    ];
    expect(candidatesIn(items, before, 0).map((e) => e.actionExecutionId)).toEqual(['C']);
    // A server clock up to 2 min behind: B (10:04 by the server) may be ours.
    expect(candidatesIn(items, before, 120_000).map((e) => e.actionExecutionId)).toEqual(['C', 'B']);
  });

  it('never takes the execution seen before (in either case) or one with an unreadable date', () => {
    const items = [at('a', '2026-01-01T10:05:01.000Z'), at('D', 'not a date')];
    expect(candidatesIn(items, before, 3_600_000)).toEqual([]);
  });

  it('takes any execution started since execute was sent when the action had none before', () => {
    expect(candidatesIn([at('N', '2026-01-01T10:05:00.000Z')], { ...before, lastSeen: null }, 0)).toHaveLength(1);
  });
});
