// startBlock: queue a block exactly once, finding its execution when the answer is lost — where
// the server lists the block's executions. The vendor's current server does not ("Block execution
// history not yet implemented"): then a lost answer cannot be checked, and says so.

import type { BlockExecuteRequest, BlockExecution, MindzieClient } from '@mindzie/client';
import { blockExecutable } from './executables.js';
import { executeOnce, type Started, type StartOptions } from './execute-once.js';

export interface StartBlockOptions extends StartOptions {
  /** The run-time parameters sent with execute (`{ parameters }` in its body). */
  parameters?: BlockExecuteRequest['parameters'];
}
export type StartedBlock = Started<BlockExecution>;

/**
 * Queues the block once. Before execute its results are read; if execute's outcome is then
 * unknown, they are searched as an action's history is: one new execution is adopted, none
 * rejects with ExecutionNotCreatedError, two or more (or unreadable results) with
 * ExecuteOutcomeUnknownError. On a server without block history that error says so at once
 * (`why: 'history-unsupported'`). Execute is never sent twice.
 */
export function startBlock(
  client: MindzieClient,
  blockId: string,
  options: StartBlockOptions = {},
): Promise<StartedBlock> {
  return executeOnce(client, blockExecutable(client, blockId, bodyOf(options)), options, undefined);
}

export function bodyOf(options: { parameters?: BlockExecuteRequest['parameters'] }): BlockExecuteRequest | undefined {
  return options?.parameters === undefined ? undefined : { parameters: options.parameters };
}
