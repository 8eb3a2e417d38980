// runBlock: queue a block once and wait for it through its results, under one deadline.

import type { BlockExecution, MindzieClient } from '@mindzie/client';
import { blockExecutable } from './executables.js';
import { type RunOptions, type RunResult, runWith } from './run.js';
import { bodyOf, type StartBlockOptions } from './start-block.js';
import { BlockTarget } from './waits.js';

export interface RunBlockOptions extends RunOptions<BlockExecution> {
  /** The run-time parameters sent with execute. */
  parameters?: StartBlockOptions['parameters'];
}
export type RunBlockResult = RunResult<BlockExecution>;

/**
 * Queues the block once, then waits for it through its results: `Success` resolves, `Failed` or
 * `Cancelled` rejects with ExecutionFailedError. A lost execute answer is reconciled where the
 * server lists the block's executions (see startBlock); a server without block history cannot be
 * waited on, and rejects with UnsupportedError once the execution is queued.
 */
export function runBlock(
  client: MindzieClient,
  blockId: string,
  options: RunBlockOptions = {},
): Promise<RunBlockResult> {
  const { parameters, ...rest } = options ?? {};
  return runWith(
    client,
    {
      executable: blockExecutable(client, blockId, bodyOf({ parameters })),
      waitTarget: (executionId) => new BlockTarget(client, executionId, blockId),
      idOf: (execution) => execution.executionId,
      succeeded: () => true,
      download: undefined,
    },
    rest,
  );
}
