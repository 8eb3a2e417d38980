// startAction: execute an action exactly once, finding its execution when the answer is lost.

import type { ActionExecution, MindzieClient } from '@mindzie/client';
import { actionExecutable } from './executables.js';
import { executeOnce, type Started, type StartOptions } from './execute-once.js';

export type StartActionOptions = StartOptions;
export type StartedAction = Started<ActionExecution>;

/**
 * Executes the action once. If execute's outcome is unknown (network error, timeout, 5xx, 429,
 * an unreadable 2xx), searches the action's history: one new execution is adopted; none rejects
 * with ExecutionNotCreatedError; two or more, or a history that cannot be read, reject with
 * ExecuteOutcomeUnknownError. Execute is never sent twice.
 */
export function startAction(
  client: MindzieClient,
  actionId: string,
  options: StartActionOptions = {},
): Promise<StartedAction> {
  return executeOnce(client, actionExecutable(client, actionId), options, undefined);
}
