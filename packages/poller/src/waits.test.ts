import {
  ApiError,
  createClient,
  NetworkError,
  NotFoundError,
  RateLimitError,
  ServerError,
  UnauthorizedError,
} from '@mindzie/client';
import { describe, expect, it } from 'vitest';
import { ExecutionFailedError, UnsupportedError, WaitTimeoutError } from './errors.js';
import { createLimiter } from './limiter.js';
import { readResumeToken } from './resume.js';
import { countingServer, eventually, idOf, quick, useSandbox } from './test-support.js';
import {
  resumeWait,
  waitForActionExecution,
  waitForBlockExecution,
  watchActionExecution,
  watchBlockExecution,
} from './waits.js';

const env = useSandbox();

const action = (name: string) => idOf(env.sandbox.actions, name);
const block = (name: string) => idOf(env.sandbox.blocks, name);
const statusReads = () => env.sandbox.admin.requests({ operationId: 'getActionExecution' });

describe('waitForActionExecution against the sandbox', () => {
  it('resolves with the completed execution', async () => {
    const { actionExecutionId } = await env.client.executeAction(action('Daily sales report'));
    const done = await waitForActionExecution(env.client, actionExecutionId, quick);
    expect(done).toMatchObject({ actionExecutionId, status: 'Completed' });
    expect(done.dateEnded).not.toBeNull();
  });

  it('rejects a failed execution with ExecutionFailedError carrying it and its notes, or returns it', async () => {
    const { actionExecutionId } = await env.client.executeAction(action('Nightly data import'));
    const error = await waitForActionExecution(env.client, actionExecutionId, quick).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExecutionFailedError);
    const failed = error as ExecutionFailedError;
    expect(failed.execution).toMatchObject({ actionExecutionId, status: 'Failed' });
    expect(failed.reason).toMatch(/Data source connection failed/);
    expect(failed.message).toContain(failed.reason);
    const returned = await waitForActionExecution(env.client, actionExecutionId, { ...quick, returnFailed: true });
    expect(returned.status).toBe('Failed');
  });

  it('times out with the last execution seen and sends no status request after the deadline', async () => {
    const { actionExecutionId } = await env.client.executeAction(action('Full reprocessing'));
    // When each request leaves this process (the sandbox's log says when it arrived, later on a busy machine).
    const sent: number[] = [];
    const { baseUrl, token, tenantId, projectId } = env.sandbox;
    const timed = createClient({
      baseUrl,
      token,
      tenantId,
      projectId,
      fetch: (input, init) => {
        sent.push(Date.now());
        return fetch(input, init);
      },
    });
    // The wait's own deadline, from its resume token: a Date.now() taken before the call is earlier by however
    // long a busy machine takes to get the wait going.
    let deadline = Number.NaN;
    const onPoll = (event: { resumeToken: string }) => {
      deadline = readResumeToken(event.resumeToken).deadline ?? Number.NaN;
    };
    const error = await waitForActionExecution(timed, actionExecutionId, { ...quick, timeoutMs: 600, onPoll }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect((error as WaitTimeoutError).lastSeen).toMatchObject({ actionExecutionId, dateEnded: null });
    expect(sent.length).toBeGreaterThan(0);
    expect(Math.max(...sent)).toBeLessThan(deadline);
    const count = sent.length;
    await new Promise((r) => setTimeout(r, 300));
    expect(sent).toHaveLength(count);
    expect(statusReads().length).toBeLessThanOrEqual(count); // one aborted before it left never arrives
  });

  it('rejects with the abort reason and stops polling', async () => {
    const { actionExecutionId } = await env.client.executeAction(action('Full reprocessing'));
    const controller = new AbortController();
    const waiting = waitForActionExecution(env.client, actionExecutionId, { ...quick, signal: controller.signal });
    await new Promise((r) => setTimeout(r, 150));
    const reason = new Error('shutting down');
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    await new Promise((r) => setTimeout(r, 50)); // a request aborted on the way may still arrive
    const count = statusReads().length;
    await new Promise((r) => setTimeout(r, 300));
    expect(statusReads()).toHaveLength(count);
  });

  it('ends at once with NotFoundError for an unknown execution and UnauthorizedError for a bad token', async () => {
    const unknownId = 'e0000000-0000-4000-8000-00000000ffff';
    await expect(waitForActionExecution(env.client, unknownId, quick)).rejects.toBeInstanceOf(NotFoundError);
    const stranger = createClient({
      baseUrl: env.sandbox.baseUrl,
      token: 'not-a-token',
      tenantId: env.sandbox.tenantId,
      projectId: env.sandbox.projectId,
    });
    await expect(waitForActionExecution(stranger, unknownId, quick)).rejects.toBeInstanceOf(UnauthorizedError);
    expect(statusReads()).toHaveLength(2);
  });

  it('sends a status request only once per check: the client does not retry under the poller', async () => {
    const { actionExecutionId } = await env.client.executeAction(action('Daily sales report'));
    env.sandbox.admin.injectFault({ operationId: 'getActionExecution', kind: 'status', status: 503, times: 2 });
    let polls = 0;
    await waitForActionExecution(env.client, actionExecutionId, { ...quick, onPoll: () => polls++ });
    expect(statusReads()).toHaveLength(polls);
  });
});

describe('faults while polling (sandbox fault injection)', () => {
  it.each([
    ['503', { kind: 'status', status: 503, times: 3 }],
    ['502', { kind: 'status', status: 502, times: 2 }],
    ['connection reset', { kind: 'reset', times: 3 }],
  ] as const)('tolerates %s and completes', async (_, fault) => {
    const { actionExecutionId } = await env.client.executeAction(action('Daily sales report'));
    env.sandbox.admin.injectFault({ operationId: 'getActionExecution', ...fault });
    const errors: unknown[] = [];
    const done = await waitForActionExecution(env.client, actionExecutionId, {
      ...quick,
      onPoll: (e) => e.error && errors.push(e.error),
    });
    expect(done.status).toBe('Completed');
    expect(errors).toHaveLength(fault.times);
  });

  it('honours a 429 Retry-After before the next status request', async () => {
    const { actionExecutionId } = await env.client.executeAction(action('Daily sales report'));
    env.sandbox.admin.injectFault({ operationId: 'getActionExecution', kind: 'status', status: 429, retryAfter: 1 });
    const errors: unknown[] = [];
    const done = await waitForActionExecution(env.client, actionExecutionId, {
      ...quick,
      onPoll: (e) => e.error && errors.push(e.error),
    });
    expect(done.status).toBe('Completed');
    expect(errors[0]).toBeInstanceOf(RateLimitError);
    const [limited, next] = statusReads().map((r) => Date.parse(r.time));
    expect(next! - limited!).toBeGreaterThanOrEqual(1_000);
  });

  it('gets past a stalled status request after requestTimeoutMs', async () => {
    const { actionExecutionId } = await env.client.executeAction(action('Daily sales report'));
    env.sandbox.admin.injectFault({ operationId: 'getActionExecution', kind: 'stall' });
    const done = await waitForActionExecution(env.client, actionExecutionId, { ...quick, requestTimeoutMs: 300 });
    expect(done.status).toBe('Completed');
    expect(statusReads()[0]!.status).toBeNull(); // the stalled one never got an answer
  });

  it('gives up with the server error once the budget of consecutive failures is spent', async () => {
    const { actionExecutionId } = await env.client.executeAction(action('Full reprocessing'));
    env.sandbox.admin.injectFault({ operationId: 'getActionExecution', kind: 'status', status: 503, times: 'always' });
    await expect(
      waitForActionExecution(env.client, actionExecutionId, { ...quick, maxConsecutiveFailures: 3 }),
    ).rejects.toBeInstanceOf(ServerError);
    expect(statusReads()).toHaveLength(4);
  });

  it('goes on past status answers that cannot be read (an HTML page on a 200, a cut body) and completes', async () => {
    const { actionExecutionId } = await env.client.executeAction(action('Daily sales report'));
    env.sandbox.admin.injectFault({
      operationId: 'getActionExecution',
      kind: 'body',
      body: '<html><h1>502 Bad Gateway</h1></html>',
    });
    env.sandbox.admin.injectFault({
      operationId: 'getActionExecution',
      kind: 'truncate',
      afterBytes: 30,
      length: 'cut',
    });
    env.sandbox.admin.injectFault({ operationId: 'getActionExecution', kind: 'truncate', afterBytes: 30 });
    const errors: unknown[] = [];
    const done = await waitForActionExecution(env.client, actionExecutionId, {
      ...quick,
      maxConsecutiveFailures: 3,
      onPoll: (e) => e.error && errors.push(e.error),
    });
    expect(done).toMatchObject({ actionExecutionId, status: 'Completed' });
    expect(errors).toHaveLength(3);
    expect(errors.some((e) => e instanceof UnsupportedError)).toBe(false);
    expect(
      statusReads()
        .slice(0, 3)
        .map((r) => r.fault),
    ).toEqual(['body', 'truncate', 'truncate']);
  });

  it('gives up past the budget with the transient error of an unreadable answer, not UnsupportedError', async () => {
    const { actionExecutionId } = await env.client.executeAction(action('Full reprocessing'));
    env.sandbox.admin.injectFault({
      operationId: 'getActionExecution',
      kind: 'body',
      body: '<html>maintenance</html>',
      times: 'always',
    });
    const error = await waitForActionExecution(env.client, actionExecutionId, {
      ...quick,
      maxConsecutiveFailures: 2,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).not.toBeInstanceOf(UnsupportedError);
    expect((error as ApiError).status).toBe(200);
    expect(statusReads()).toHaveLength(3);
  });

  it('ends with the NetworkError when every status request is reset', async () => {
    const { actionExecutionId } = await env.client.executeAction(action('Full reprocessing'));
    env.sandbox.admin.injectFault({ operationId: 'getActionExecution', kind: 'reset', times: 'always' });
    await expect(
      waitForActionExecution(env.client, actionExecutionId, { ...quick, maxConsecutiveFailures: 1 }),
    ).rejects.toBeInstanceOf(NetworkError);
  });
});

describe('sharing', () => {
  it('lets two waits on the same execution share one stream of requests', async () => {
    const { actionExecutionId } = await env.client.executeAction(action('Daily sales report'));
    let polls = 0;
    const [a, b] = await Promise.all([
      waitForActionExecution(env.client, actionExecutionId, { ...quick, onPoll: () => polls++ }),
      waitForActionExecution(env.client, actionExecutionId, quick),
    ]);
    expect(a).toEqual(b);
    expect(statusReads()).toHaveLength(polls);
  });

  it('shares one stream between spellings of the same execution id in either case', async () => {
    const { actionExecutionId } = await env.client.executeAction(action('Daily sales report'));
    let polls = 0;
    const [a, b] = await Promise.all([
      waitForActionExecution(env.client, actionExecutionId.toUpperCase(), { ...quick, onPoll: () => polls++ }),
      waitForActionExecution(env.client, actionExecutionId, quick),
    ]);
    expect(a).toEqual(b);
    expect(statusReads()).toHaveLength(polls);
  });

  it('keeps the shared stream going for the second wait when the first is aborted', async () => {
    const { actionExecutionId } = await env.client.executeAction(action('Daily sales report'));
    const controller = new AbortController();
    const first = waitForActionExecution(env.client, actionExecutionId, { ...quick, signal: controller.signal });
    const second = waitForActionExecution(env.client, actionExecutionId, quick);
    controller.abort('first gives up');
    await expect(first).rejects.toBe('first gives up');
    await expect(second).resolves.toMatchObject({ status: 'Completed' });
  });

  it('gives a wait joining a sleeping stream its own last check before an earlier deadline', async () => {
    const { actionExecutionId } = await env.client.executeAction(action('Full reprocessing'));
    const slow = { initialDelayMs: 5_000, maxDelayMs: 5_000, jitter: 'none', timeoutMs: 20_000 } as const;
    let polls = 0;
    const first = waitForActionExecution(env.client, actionExecutionId, { ...slow, onPoll: () => polls++ });
    await eventually(() => polls === 1); // checked once: the stream now sleeps for 5 s
    const later = waitForActionExecution(env.client, actionExecutionId, { ...quick, timeoutMs: 15_000 });
    await new Promise((r) => setTimeout(r, 200));
    expect(statusReads()).toHaveLength(1); // the stream's next check comes in time for it
    env.sandbox.admin.advanceTime(60 * 60_000); // the execution ends while the stream sleeps
    // Its own deadline (4 s) comes before the stream's next check (5 s after its first): resolving at all
    // proves it was answered by a check of its own; a wall-clock bound here would add nothing but flakiness.
    const soon = await waitForActionExecution(env.client, actionExecutionId, { ...quick, timeoutMs: 4_000 });
    expect(soon.status).toBe('Completed');
    // That one check ended every wait on the stream.
    await expect(first).resolves.toEqual(soon);
    await expect(later).resolves.toEqual(soon);
    expect(statusReads()).toHaveLength(2);
  });

  it('does not send a last check that queued in the limiter for a wait that has gone since', async () => {
    const { actionExecutionId } = await env.client.executeAction(action('Full reprocessing'));
    const limiter = createLimiter({ maxConcurrent: 1 });
    const controller = new AbortController();
    let polls = 0;
    const slow = {
      initialDelayMs: 10_000,
      maxDelayMs: 10_000,
      jitter: 'none',
      timeoutMs: 60_000,
      limiter,
      signal: controller.signal,
    } as const;
    const first = waitForActionExecution(env.client, actionExecutionId, { ...slow, onPoll: () => polls++ }).catch(
      (e: unknown) => e,
    );
    await eventually(() => polls === 1); // the stream sleeps 10 s now
    const busy = limiter.run(() => new Promise((r) => setTimeout(r, 2_500))); // the limiter's one slot, taken for 2.5 s
    const short = await waitForActionExecution(env.client, actionExecutionId, { timeoutMs: 1_500, limiter }).catch(
      (e: unknown) => e,
    );
    expect(short).toBeInstanceOf(WaitTimeoutError); // its last check was still queued
    await busy;
    await new Promise((r) => setTimeout(r, 500));
    expect(statusReads()).toHaveLength(1); // nobody is due a check before t = 10 s
    controller.abort('done');
    expect(await first).toBe('done');
  });

  it('keeps requests of many waits within one shared limiter', async () => {
    const ids = await Promise.all(
      Array.from({ length: 6 }, () => env.client.executeAction(action('Daily sales report'))),
    );
    env.sandbox.admin.injectFault({ operationId: 'getActionExecution', kind: 'latency', ms: 30, times: 'always' });
    const limiter = createLimiter({ maxConcurrent: 2 });
    let peak = 0;
    const watch = setInterval(() => (peak = Math.max(peak, limiter.active)), 1);
    try {
      const done = await Promise.all(
        ids.map((e) => waitForActionExecution(env.client, e.actionExecutionId, { ...quick, limiter })),
      );
      expect(done.every((e) => e.status === 'Completed')).toBe(true);
    } finally {
      clearInterval(watch);
    }
    expect(peak).toBe(2);
  });
});

describe('progress, iteration and resume', () => {
  it('yields each status change for `for await`, ending with the terminal one', async () => {
    // Queued for 500 ms (not the 50 ms of a short action, which a busy machine can miss), then
    // each status is left by moving the sandbox's clock once the wait has seen it.
    const { actionExecutionId } = await env.client.executeAction(action('Full reprocessing'));
    const statuses: string[] = [];
    for await (const execution of watchActionExecution(env.client, actionExecutionId, quick)) {
      statuses.push(execution.status);
      if (execution.status === 'Queued') {
        env.sandbox.admin.advanceTime(1_000);
      }
      if (execution.status === 'Running') {
        env.sandbox.admin.advanceTime(600_000);
      }
    }
    expect(statuses).toEqual(['Queued', 'Running', 'Completed']);
  });

  it('stops polling when a `for await` loop is left early', async () => {
    const { actionExecutionId } = await env.client.executeAction(action('Full reprocessing'));
    for await (const execution of watchActionExecution(env.client, actionExecutionId, quick)) {
      expect(execution.status).toBe('Queued');
      break;
    }
    await new Promise((r) => setTimeout(r, 50));
    const count = statusReads().length;
    await new Promise((r) => setTimeout(r, 300));
    expect(statusReads()).toHaveLength(count);
  });

  it('resumes from a token in a fresh wait with the same deadline and schedule position', async () => {
    // A run that cannot end during the first wait however slow the machine is (60 s at this
    // time scale); the sandbox's clock is moved past its end before the second wait.
    const { actionExecutionId } = await env.client.executeAction(action('Full reprocessing'));
    const controller = new AbortController();
    let token = '';
    const started = Date.now();
    const first = waitForActionExecution(env.client, actionExecutionId, {
      ...quick,
      signal: controller.signal,
      onPoll: (e) => {
        token = e.resumeToken;
        if (e.attempt === 2) {
          controller.abort('process exits');
        }
      },
    });
    await expect(first).rejects.toBe('process exits');
    const data = JSON.parse(token);
    expect(data).toMatchObject({ kind: 'action', executionId: actionExecutionId, attempt: 2 });
    // From the first wait's start, however long it took.
    expect(data.deadline).toBeGreaterThanOrEqual(started + quick.timeoutMs);
    env.sandbox.admin.advanceTime(600_000);
    // A new env.client, as a restarted process would have.
    const again = createClient({
      baseUrl: env.sandbox.baseUrl,
      token: env.sandbox.token,
      tenantId: env.sandbox.tenantId,
      projectId: env.sandbox.projectId,
    });
    await expect(resumeWait(again, token, { ...quick, timeoutMs: undefined })).resolves.toMatchObject({
      actionExecutionId,
      status: 'Completed',
    });
  });
});

describe('waitForBlockExecution against the sandbox', () => {
  it('resolves with a successful block execution found in the block results', async () => {
    const id = block('Revenue filter');
    const { executionId } = await env.client.executeBlock(id);
    const done = await waitForBlockExecution(env.client, id, executionId, quick);
    expect(done).toMatchObject({ executionId, status: 'Success', result: { rowsProcessed: 15230 } });
  });

  it.each([
    ['Amount threshold alert', 'Failed', /unknown column/],
    ['Obsolete calculator', 'Cancelled', null],
  ])('rejects %s (%s) with ExecutionFailedError', async (name, status, reason) => {
    const id = block(name);
    const { executionId } = await env.client.executeBlock(id);
    const error = (await waitForBlockExecution(env.client, id, executionId, quick).catch(
      (e: unknown) => e,
    )) as ExecutionFailedError;
    expect(error).toBeInstanceOf(ExecutionFailedError);
    expect(error.execution.status).toBe(status);
    if (reason) {
      expect(error.reason).toMatch(reason);
    }
  });

  it('fails at once with UnsupportedError when the server has no block history', async () => {
    const id = block('Legacy server block');
    const { executionId } = await env.client.executeBlock(id);
    const error = await waitForBlockExecution(env.client, id, executionId, quick).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedError);
    expect((error as Error).message).toMatch(/not yet implemented/);
    expect(env.sandbox.admin.requests({ operationId: 'getBlockResults' })).toHaveLength(1);
  });

  it('yields block status changes for `for await`', async () => {
    const id = block('Revenue filter');
    const { executionId } = await env.client.executeBlock(id);
    const statuses: string[] = [];
    for await (const execution of watchBlockExecution(env.client, id, executionId, quick)) {
      statuses.push(execution.status);
    }
    // Queued 50 ms and Running 150 ms at this time scale: a busy machine may check past either
    // (the action test above proves every change is yielded); each is yielded once, in order.
    expect(statuses.at(-1)).toBe('Success');
    expect(['Queued', 'Running', 'Success'].filter((status) => statuses.includes(status))).toEqual(statuses);
  });

  it('finds the execution whatever the case of its ids, and both spellings share one stream of requests', async () => {
    const id = block('Revenue filter');
    const { executionId } = await env.client.executeBlock(id);
    let polls = 0;
    const [shouted, plain] = await Promise.all([
      waitForBlockExecution(env.client, id.toUpperCase(), executionId.toUpperCase(), {
        ...quick,
        timeoutMs: 3_000,
        onPoll: () => polls++,
      }),
      waitForBlockExecution(env.client, id, executionId, { ...quick, timeoutMs: 3_000 }),
    ]);
    expect(shouted).toMatchObject({ executionId, status: 'Success' });
    expect(plain).toEqual(shouted);
    expect(env.sandbox.admin.requests({ operationId: 'getBlockResults' })).toHaveLength(polls);
  });

  it('rejects a malformed execution id before any request', async () => {
    await expect(waitForBlockExecution(env.client, block('Revenue filter'), 'nope', quick)).rejects.toMatchObject({
      name: 'InvalidArgumentError',
      argument: 'executionId',
    });
    expect(env.sandbox.admin.requests()).toHaveLength(0);
  });
});

describe('block executions not listed yet, and bad resume tokens', () => {
  it('keeps polling while the block results do not list the execution yet', async () => {
    const blockId = 'b0000000-0000-4000-8000-000000000001';
    const executionId = 'e0000000-0000-4000-8000-0000000000bb';
    const other = {
      blockId,
      executionId: 'e0000000-0000-4000-8000-0000000000cc',
      status: 'Success',
      dateQueued: '2024-01-15T10:30:00Z',
      dateStarted: null,
      dateEnded: null,
      result: null,
      errorMessage: null,
      message: 'done',
    };
    const server = await countingServer((_req, res, n) => {
      const executions = n < 3 ? [other] : [other, { ...other, executionId, status: 'Success', result: { ok: true } }];
      res
        .setHeader('content-type', 'application/json')
        .end(JSON.stringify({ blockId, message: 'Block executions retrieved', executions }));
    });
    try {
      const done = await waitForBlockExecution(server.client, blockId, executionId, quick);
      expect(done).toMatchObject({ executionId, status: 'Success', result: { ok: true } });
      expect(server.stats.total).toBe(3);
    } finally {
      await server.close();
    }
  });

  it('ends every wait on the execution with UnsupportedError when the server answers null', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const server = await countingServer((_req, res) => res.setHeader('content-type', 'application/json').end('null'));
    try {
      const executionId = 'e0000000-0000-4000-8000-0000000000dd';
      const blockId = 'b0000000-0000-4000-8000-0000000000dd';
      const waits = [
        waitForActionExecution(server.client, executionId, { ...quick, timeoutMs: 3_000 }),
        // Shares the first one's stream.
        waitForActionExecution(server.client, executionId, { ...quick, timeoutMs: 3_000 }),
        waitForBlockExecution(server.client, blockId, executionId, { ...quick, timeoutMs: 3_000 }),
      ];
      for (const error of await Promise.all(waits.map((wait) => wait.catch((e: unknown) => e)))) {
        expect(error).toBeInstanceOf(UnsupportedError);
        expect((error as Error).message).toBe(
          `Cannot wait for execution ${executionId}: the server's answer (null) is not an execution with a status`,
        );
      }
      expect(server.stats.total).toBe(2); // one check for the shared action stream, one for the block
    } finally {
      process.off('unhandledRejection', onUnhandled);
      await server.close();
    }
    expect(unhandled).toEqual([]);
  });

  it('carries on from a token whatever the case of the ids it is resumed with', async () => {
    const tokenOf = async (
      wait: (options: { signal: AbortSignal; onPoll: (e: { resumeToken: string }) => void }) => Promise<unknown>,
    ) => {
      const controller = new AbortController();
      let token = '';
      const onPoll = (e: { resumeToken: string }) => {
        token = e.resumeToken;
        controller.abort(); // a process that stops after its first check
      };
      await expect(wait({ signal: controller.signal, onPoll })).rejects.toMatchObject({ name: 'AbortError' });
      return token;
    };
    const { actionExecutionId: id } = await env.client.executeAction(action('Daily sales report'));
    const actionToken = await tokenOf((o) => waitForActionExecution(env.client, id, { ...quick, ...o }));
    await expect(
      waitForActionExecution(env.client, id.toUpperCase(), { ...quick, resume: actionToken }),
    ).resolves.toMatchObject({ actionExecutionId: id, status: 'Completed' });
    const blockId = block('Revenue filter');
    const { executionId } = await env.client.executeBlock(blockId);
    const blockToken = await tokenOf((o) =>
      waitForBlockExecution(env.client, blockId.toUpperCase(), executionId.toUpperCase(), { ...quick, ...o }),
    );
    await expect(
      waitForBlockExecution(env.client, blockId, executionId, { ...quick, resume: blockToken }),
    ).resolves.toMatchObject({ executionId, status: 'Success' });
  });

  it('refuses a token of another execution, or one that names none, before any request', async () => {
    const { actionExecutionId } = await env.client.executeAction(action('Daily sales report'));
    env.sandbox.admin.clearRequests();
    const other = JSON.stringify({
      v: 1,
      kind: 'action',
      executionId: 'e0000000-0000-4000-8000-00000000ffff',
      deadline: null,
      attempt: 2,
      delayMs: 1_500,
    });
    await expect(
      waitForActionExecution(env.client, actionExecutionId, { ...quick, resume: other }),
    ).rejects.toMatchObject({
      name: 'InvalidArgumentError',
      argument: 'resume',
    });
    const anonymous = JSON.stringify({ v: 1, deadline: null, attempt: 2, delayMs: 1_500 });
    await expect(resumeWait(env.client, anonymous)).rejects.toMatchObject({
      name: 'InvalidArgumentError',
      argument: 'token',
    });
    await expect(resumeWait(env.client, 'not json')).rejects.toMatchObject({
      name: 'InvalidArgumentError',
      argument: 'resume',
    });
    expect(env.sandbox.admin.requests()).toHaveLength(0);
  });

  it('times out at once, sending nothing, when a resumed deadline has passed', async () => {
    const expired = JSON.stringify({
      v: 1,
      kind: 'action',
      executionId: 'e0000000-0000-4000-8000-00000000ffff',
      deadline: Date.now() - 1,
      attempt: 5,
      delayMs: 7_000,
    });
    await expect(resumeWait(env.client, expired)).rejects.toBeInstanceOf(WaitTimeoutError);
    expect(env.sandbox.admin.requests()).toHaveLength(0);
  });
});
