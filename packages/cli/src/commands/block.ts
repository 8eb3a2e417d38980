import type { BlockExecution } from '@mindzie/client';
import {
  checkWaitOptions,
  ExecuteAnswerLostError,
  reconcileDefaults,
  startBlock,
  UnsupportedError,
  waitForBlockExecution,
} from '@mindzie/poller';
import { InterruptedError } from '../errors.js';
import { blockExecutionDetails, blockExecutionsTable } from '../render/tables.js';
import { nextStepAfterLostAnswer } from './action.js';
import type { CommandContext } from './context.js';
import { announceExecution, executionIdIn, noteRefusedStart } from './execute-answer.js';
import { interruptedOr, waitWithStatus } from './wait.js';

export interface BlockRunOptions {
  param?: Record<string, unknown>;
  wait?: boolean;
  timeout?: number;
  /** `--no-reconcile` sets it false. */
  reconcile?: boolean;
  reconcileWindow?: number;
}

/**
 * Queues the block exactly once (never retried), then optionally follows it through its results.
 * A lost execute answer is looked for in the block's results (the poller's startBlock), where the
 * server keeps them; where it does not, the error says that nothing can tell (exit 7).
 */
export async function blockRun(ctx: CommandContext, blockId: string, options: BlockRunOptions): Promise<void> {
  const { output, client, state } = ctx;
  if (options.wait) {
    checkWaitOptions({ timeoutMs: options.timeout }); // before execute: exit 2 means nothing was sent
  }
  if (ctx.signal.aborted) {
    throw new InterruptedError(undefined, undefined); // Ctrl-C before execute went out: nothing runs
  }
  const checkFirst =
    'The execute request may have reached the server: ' +
    `check with mindzie block results ${blockId} before running it again.`;
  const reconcile =
    options.reconcile === false ? false : { windowMs: options.reconcileWindow ?? reconcileDefaults.windowMs };
  const started = await startBlock(client, blockId, { parameters: options.param, signal: ctx.signal, reconcile }).catch(
    (error: unknown) => {
      if (error instanceof ExecuteAnswerLostError) {
        state.hint = nextStepAfterLostAnswer(error);
      } else if (error instanceof UnsupportedError) {
        state.hint = checkFirst;
      }
      noteRefusedStart(error, state);
      throw interruptedOr(ctx, error);
    },
  );
  const queued = started.execution;
  const executionId = executionIdIn(queued, 'executionId', state, checkFirst);
  Object.assign(state, { executionId, execution: queued, resume: `mindzie block wait ${blockId} ${executionId}` });
  announceExecution(ctx, started, executionId, { kind: 'block', id: blockId, searched: "the block's results" });
  if (ctx.signal.aborted) {
    throw new InterruptedError(executionId, state.resume);
  }
  if (!options.wait) {
    output.result(
      { execution: queued, ...state.adopted },
      () => `${blockExecutionDetails(queued, output.color, output.width)}\nFollow it with: ${state.resume}`,
    );
    return;
  }
  await followBlock(ctx, blockId, queued, options.timeout);
}

export async function blockWait(
  ctx: CommandContext,
  blockId: string,
  executionId: string,
  options: { timeout?: number },
): Promise<void> {
  Object.assign(ctx.state, { executionId, resume: `mindzie block wait ${blockId} ${executionId}` });
  await followBlock(ctx, blockId, { status: 'waiting', executionId }, options.timeout);
}

async function followBlock(
  ctx: CommandContext,
  blockId: string,
  first: { status: string; executionId: string },
  timeoutMs?: number,
): Promise<void> {
  const execution = await waitWithStatus<BlockExecution>(
    ctx,
    `block execution ${first.executionId}`,
    first.status,
    timeoutMs,
    (hooks) => waitForBlockExecution(ctx.client, blockId, first.executionId, hooks),
  );
  ctx.output.result({ execution, ...ctx.state.adopted }, () =>
    blockExecutionDetails(execution, ctx.output.color, ctx.output.width),
  );
}

export async function blockResults(ctx: CommandContext, blockId: string): Promise<void> {
  const results = await ctx.client.getBlockResults(blockId, { signal: ctx.signal }).catch((error: unknown) => {
    throw interruptedOr(ctx, error);
  });
  ctx.output.result(
    results,
    () => `${results.message}\n${blockExecutionsTable(results.executions, ctx.output.color, ctx.output.width)}`,
  );
}
