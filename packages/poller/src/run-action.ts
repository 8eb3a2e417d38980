// runAction: execute an action once, wait for it, and (from '@mindzie/poller/node') save its package.

import type { ActionExecution, MindzieClient } from '@mindzie/client';
import { InvalidArgumentError } from '@mindzie/client';
import { actionExecutable } from './executables.js';
import { type Downloader, type RunOptions, type RunResult, runWith } from './run.js';
import { actionReading } from './statuses.js';
import { ActionTarget } from './waits.js';

export type RunActionOptions = RunOptions<ActionExecution>;
export type RunActionResult = RunResult<ActionExecution>;

/**
 * Executes the action once, then waits for it: `Completed` resolves, `Failed` rejects with ExecutionFailedError.
 * Saving the package to a file needs Node: `runAction` from `@mindzie/poller/node` takes `download`.
 */
export async function runAction(
  client: MindzieClient,
  actionId: string,
  options?: RunActionOptions & { download?: never },
): Promise<RunActionResult> {
  // Plain JavaScript can pass it anyway: refuse it rather than resolve without the file.
  if ((options as { download?: unknown } | undefined)?.download !== undefined) {
    throw new InvalidArgumentError(
      'download',
      "download saves a file, which this browser-safe runAction cannot: import runAction from '@mindzie/poller/node'",
    );
  }
  return runActionWith(client, actionId, options, undefined);
}

export function runActionWith<D>(
  client: MindzieClient,
  actionId: string,
  options: RunActionOptions | undefined,
  download: Downloader<ActionExecution, D> | undefined,
): Promise<RunActionResult & { file?: D }> {
  return runWith(
    client,
    {
      executable: actionExecutable(client, actionId),
      waitTarget: (executionId) => new ActionTarget(client, executionId),
      idOf: (execution) => execution.actionExecutionId,
      succeeded: (execution) => actionReading.outcome(execution) === 'succeeded',
      download,
    },
    options,
  );
}
