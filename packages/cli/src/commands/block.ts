import { type BlockExecution, NetworkError } from '@mindzie/client';
import { checkWaitOptions, waitForBlockExecution } from '@mindzie/poller';
import { InterruptedError } from '../errors.js';
import { blockExecutionDetails, blockExecutionsTable } from '../render/tables.js';
import type { CommandContext } from './context.js';
import { executionIdIn } from './execute-answer.js';
import { interruptedOr, waitWithStatus } from './wait.js';

export interface BlockRunOptions {
  param?: Record<string, unknown>;
  wait?: boolean;
  timeout?: number;
}

/** Queues the block exactly once (never retried), then optionally follows it through its results. */
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
  const queued = await client
    .executeBlock(blockId, options.param ? { parameters: options.param } : undefined)
    .catch((error: unknown) => {
      if (error instanceof NetworkError) {
        state.hint = checkFirst;
      }
      throw error;
    });
  const executionId = executionIdIn(queued, 'executionId', state, checkFirst);
  Object.assign(state, { executionId, execution: queued, resume: `mindzie block wait ${blockId} ${executionId}` });
  output.log(`Executed block ${blockId}: execution ${output.errColor.bold(executionId)} is ${queued.status}.`);
  if (ctx.signal.aborted) {
    throw new InterruptedError(executionId, state.resume);
  }
  if (!options.wait) {
    output.result(
      { execution: queued },
      () => `${blockExecutionDetails(queued, output.color)}\nFollow it with: ${state.resume}`,
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
  ctx.output.result({ execution }, () => blockExecutionDetails(execution, ctx.output.color));
}

export async function blockResults(ctx: CommandContext, blockId: string): Promise<void> {
  const results = await ctx.client.getBlockResults(blockId, { signal: ctx.signal }).catch((error: unknown) => {
    throw interruptedOr(ctx, error);
  });
  ctx.output.result(results, () => `${results.message}\n${blockExecutionsTable(results.executions, ctx.output.color)}`);
}
