// A lost block-execute answer, against the sandbox's fault injection. Where the server lists the
// block's executions (its results), it is reconciled as an action's is; where it answers "Block
// execution history not yet implemented" (the vendor's current server), it cannot be checked and
// the error says so.
import type { BlockExecution } from '@mindzie/client';
import { describe, expect, it } from 'vitest';
import { ExecuteOutcomeUnknownError, ExecutionNotCreatedError } from './errors.js';
import { candidatesIn } from './reconcile.js';
import { runBlock } from './run-block.js';
import { startBlock } from './start-block.js';
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
const env = useSandbox({ client: { timeoutMs: 1_000 } });

const block = (name: string) => idOf(env.sandbox.blocks, name);
const executes = () => env.sandbox.admin.requests({ operationId: 'executeBlock' });
const resultReads = () => env.sandbox.admin.requests({ operationId: 'getBlockResults' });
const reconcile = testReconcile;

describe('runBlock when execute queued the block but its answer was lost', () => {
  it.each(lostAfterExecute)(
    'adopts the execution from the block results after %s, then waits as usual',
    async (_, fault) => {
      env.sandbox.admin.injectFault({ ...fault, operationId: 'executeBlock' });
      const told: Array<[string, boolean]> = [];
      const result = await runBlock(env.client, block('Revenue filter'), {
        ...quick,
        reconcile,
        parameters: { threshold: 7 },
        onExecuted: (e, how) => told.push([e.executionId, how.adopted]),
      });
      expect(result).toMatchObject({ adopted: true, execution: { status: 'Success' } });
      expect(result.execution.result).toMatchObject({ parameters: { threshold: 7 } });
      expect(result.recoveredFrom).toBeInstanceOf(Error);
      expect(told).toEqual([[result.execution.executionId, true]]);
      expect(executes()).toHaveLength(1);
    },
  );

  it('does not search when execute answered: one read of the results before, none after', async () => {
    const result = await runBlock(env.client, block('Revenue filter'), { ...quick, reconcile });
    expect(result).toMatchObject({ adopted: false, execution: { status: 'Success' } });
    // The wait itself reads the results too: only the first read comes before execute.
    const firstExecute = executes()[0]!;
    expect(resultReads().filter((r) => r.seq < firstExecute.seq)).toHaveLength(1);
    expect(executes()).toHaveLength(1);
  });
});

describe('runBlock when execute queued nothing', () => {
  it.each(lostBeforeExecute)(
    'says "most likely not created" after %s, with the command to run it again',
    async (_, fault) => {
      env.sandbox.admin.injectFault({ ...fault, operationId: 'executeBlock' });
      const id = block('Revenue filter');
      const error = await runBlock(env.client, id, { ...quick, reconcile }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ExecutionNotCreatedError);
      const lost = error as ExecutionNotCreatedError<BlockExecution>;
      expect(lost).toMatchObject({ kind: 'block', blockId: id, executionCreated: false, safeToRunAgain: true });
      expect(lost.actionId).toBeUndefined();
      expect(lost.next).toEqual({
        executionCreated: false,
        safeToRunAgain: true,
        step: 'run-again',
        command: `mindzie block run ${id}`,
        call: `runBlock(client, "${id}")`,
      });
      expect(lost.message).toMatch(new RegExp(`Execute of block ${id} .* no new execution appeared in its results`));
      expect(lost.lookedForMs).toBeGreaterThanOrEqual(reconcile.windowMs);
      expect(executes()).toHaveLength(1);
    },
  );
});

describe('a lost block-execute answer on a server without block history', () => {
  it('cannot be checked: says why and what to do, reads nothing more, never executes again', async () => {
    const id = block('Legacy server block');
    env.sandbox.admin.injectFault({ operationId: 'executeBlock', kind: 'status', status: 503, phase: 'after' });
    const error = (await startBlock(env.client, id, { reconcile }).catch(
      (e: unknown) => e,
    )) as ExecuteOutcomeUnknownError<BlockExecution>;
    expect(error).toBeInstanceOf(ExecuteOutcomeUnknownError);
    expect(error).toMatchObject({
      why: 'history-unsupported',
      kind: 'block',
      blockId: id,
      executionCreated: 'unknown',
      safeToRunAgain: false,
      lookedForMs: 0,
      candidates: [],
    });
    // Nothing to run: mindzieStudio itself has to be asked.
    expect(error.next).toEqual({ executionCreated: 'unknown', safeToRunAgain: false, step: 'check' });
    expect(error.message).toMatch(/block execution history is not implemented/);
    expect(error.message).toMatch(/look at the block's executions in mindzieStudio before running it again/);
    expect(resultReads()).toHaveLength(1); // the one before execute, which found no history
    expect(executes()).toHaveLength(1);
  });
});

describe('startBlock when what happened cannot be told', () => {
  it('adopts nothing and lists both when two new executions appear (another client ran it too)', async () => {
    const id = block('Revenue filter');
    // Our execute is held in this process until another client has queued the block, then its
    // answer is lost: both exist before the search starts, whatever the machine's load.
    const held = holdingExecute(env.sandbox);
    const starting = startBlock(held.client, id, { reconcile }).catch((e: unknown) => e);
    await held.reached;
    const other = await env.client.executeBlock(id);
    env.sandbox.admin.injectFault({ operationId: 'executeBlock', kind: 'reset', phase: 'after' });
    held.release();
    const error = (await starting) as ExecuteOutcomeUnknownError<BlockExecution>;
    expect(error).toBeInstanceOf(ExecuteOutcomeUnknownError);
    expect(error).toMatchObject({ why: 'several-candidates', executionCreated: 'unknown' });
    expect(error.candidates.map((e) => e.executionId)).toContain(other.executionId);
    expect(error.candidates).toHaveLength(2);
    expect(error.next).toMatchObject({ step: 'check', command: `mindzie block results ${id}` });
    expect(executes()).toHaveLength(2); // ours once, the other client's once
  });
});

describe('candidatesIn for blocks (every execution listed before is known)', () => {
  const at = (id: string, dateQueued: string) => ({ executionId: id, dateQueued }) as BlockExecution;
  const sentAt = Date.parse('2026-01-01T10:05:00.000Z');

  it('never takes an execution listed before, even one queued later by the server clock', () => {
    const before = {
      lastSeen: at('A', '2026-01-01T10:00:00.000Z'),
      seenIds: new Set(['a', 'b']),
      sentAt,
    };
    const items = [
      at('C', '2026-01-01T10:05:01.000Z'),
      at('B', '2026-01-01T10:06:00.000Z'),
      at('A', '2026-01-01T10:00:00.000Z'),
    ];
    expect(candidatesIn(items, before, 0).map((e) => e.executionId)).toEqual(['C']);
  });
});
