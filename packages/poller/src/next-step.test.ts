// Every failure after execute may have been sent says what to do next, as data (`error.next`):
// whether an execution exists, its id, and the command that follows or checks it.
import { type ActionExecution, NetworkError, ServerError } from '@mindzie/client';
import { describe, expect, it } from 'vitest';
import { ExecuteOutcomeUnknownError, ExecutionFailedError, UnsupportedError, WaitTimeoutError } from './errors.js';
import { nextStepOf } from './next-step.js';
import { runAction } from './node.js';
import { runBlock } from './run-block.js';
import { idOf, quick, useSandbox } from './test-support.js';
import { waitForActionExecution, waitForBlockExecution } from './waits.js';

// No client retries: a failure the test injects reaches the poller at once. The per-call timeout only has to
// outlast a slow answer (1 s did not at load 25: the read before execute timed out); each wait's deadline is
// what runs out in these tests.
const env = useSandbox({ client: { maxRetries: 0, timeoutMs: 5_000 }, folder: 'poller-next-' });

const action = (name: string) => idOf(env.sandbox.actions, name);
const block = (name: string) => idOf(env.sandbox.blocks, name);
const executedIds = () => {
  const ids: string[] = [];
  return { ids, onExecuted: (e: { actionExecutionId?: string; executionId?: string }) => ids.push(idIn(e)) };
};
const idIn = (e: { actionExecutionId?: string; executionId?: string }) => (e.actionExecutionId ?? e.executionId)!;

describe('runAction: the next step after a failure', () => {
  it('a wait that runs out: the execution exists, follow it with mindzie execution wait <id>', async () => {
    const executed = executedIds();
    // The deadline covers execute too: long enough for execute to answer on a busy machine (the
    // run itself takes a minute here), so it is the wait that runs out.
    const error = await runAction(env.client, action('Full reprocessing'), {
      ...quick,
      timeoutMs: 8_000,
      onExecuted: executed.onExecuted,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitTimeoutError);
    const [id] = executed.ids;
    expect((error as WaitTimeoutError).next).toEqual({
      executionCreated: true,
      executionId: id,
      safeToRunAgain: false,
      step: 'follow',
      command: `mindzie execution wait ${id}`,
      call: `waitForActionExecution(client, "${id}")`,
    });
    expect(nextStepOf(error)).toBe((error as WaitTimeoutError).next);
  });

  it('a failed execution: it ended, read why with mindzie execution show <id>; running again is safe', async () => {
    const error = await runAction(env.client, action('Nightly data import'), quick).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExecutionFailedError);
    const id = (error as ExecutionFailedError<ActionExecution>).execution.actionExecutionId;
    expect(nextStepOf(error)).toMatchObject({
      executionCreated: true,
      executionId: id,
      safeToRunAgain: true,
      step: 'inspect',
      command: `mindzie execution show ${id}`,
    });
  });

  it('a download that fails: the execution completed, download it with mindzie execution download <id>', async () => {
    env.sandbox.admin.injectFault({ operationId: 'downloadActionExecutionPackage', kind: 'reset', times: 'always' });
    const executed = executedIds();
    const error = await runAction(env.client, action('Daily sales report'), {
      ...quick,
      download: { directory: env.folder },
      onExecuted: executed.onExecuted,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    const [id] = executed.ids;
    expect(nextStepOf(error)).toEqual({
      executionCreated: true,
      executionId: id,
      safeToRunAgain: false,
      step: 'download',
      command: `mindzie execution download ${id}`,
      call: `downloadPackageToFile(client, "${id}", { directory: "." })`,
    });
  });

  it('status checks that keep failing: the execution exists, follow it', async () => {
    env.sandbox.admin.injectFault({ operationId: 'getActionExecution', kind: 'status', status: 503, times: 'always' });
    const error = await runAction(env.client, action('Daily sales report'), {
      ...quick,
      maxConsecutiveFailures: 1,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerError);
    expect(nextStepOf(error)).toMatchObject({ executionCreated: true, step: 'follow' });
    expect(nextStepOf(error)!.command).toMatch(/^mindzie execution wait [0-9a-f-]{36}$/);
  });

  it("leaves the caller's own abort reason as it is (the id went to onExecuted)", async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    const error = await runAction(env.client, action('Full reprocessing'), {
      ...quick,
      signal: controller.signal,
      onExecuted: () => controller.abort(reason),
    }).catch((e: unknown) => e);
    expect(error).toBe(reason);
    expect(nextStepOf(error)).toBeUndefined();
    expect(Object.keys(reason)).toEqual([]);
  });

  it('execute lost with reconciling off: outcome unknown, check the history', async () => {
    env.sandbox.admin.injectFault({ operationId: 'executeAction', kind: 'status', status: 503, phase: 'after' });
    const id = action('Daily sales report');
    const error = await runAction(env.client, id, { ...quick, reconcile: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExecuteOutcomeUnknownError);
    expect(nextStepOf(error)).toMatchObject({ executionCreated: 'unknown', command: `mindzie action history ${id}` });
  });
});

describe('the waits: the next step after a failure', () => {
  it('an action wait that runs out names the execution to follow', async () => {
    const { actionExecutionId: id } = await env.client.executeAction(action('Full reprocessing'));
    const error = await waitForActionExecution(env.client, id, { ...quick, timeoutMs: 200 }).catch((e: unknown) => e);
    expect(nextStepOf(error)).toMatchObject({ step: 'follow', command: `mindzie execution wait ${id}` });
  });

  it('a block wait that runs out names the block and the execution to follow', async () => {
    const blockId = block('Revenue filter');
    const { executionId } = await env.client.executeBlock(blockId);
    // Every check answers late, so none can see the block end before the 20-ms deadline.
    env.sandbox.admin.injectFault({ operationId: 'getBlockResults', kind: 'latency', ms: 1_000, times: 'always' });
    const error = await waitForBlockExecution(env.client, blockId, executionId, { ...quick, timeoutMs: 20 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect(nextStepOf(error)).toEqual({
      executionCreated: true,
      executionId,
      safeToRunAgain: false,
      step: 'follow',
      command: `mindzie block wait ${blockId} ${executionId}`,
      call: `waitForBlockExecution(client, "${blockId}", "${executionId}")`,
    });
  });

  it('a block on a server without block history: it exists, but nothing here can follow it', async () => {
    const blockId = block('Legacy server block');
    const executed = executedIds();
    const error = await runBlock(env.client, blockId, { ...quick, onExecuted: executed.onExecuted }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UnsupportedError);
    expect(nextStepOf(error)).toEqual({
      executionCreated: true,
      executionId: executed.ids[0],
      safeToRunAgain: false,
      step: 'check',
    });
  });

  it('a failed block names the results to read', async () => {
    const blockId = block('Amount threshold alert');
    const error = await runBlock(env.client, blockId, quick).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExecutionFailedError);
    expect(nextStepOf(error)).toMatchObject({
      step: 'inspect',
      safeToRunAgain: true,
      command: `mindzie block results ${blockId}`,
    });
  });
});
