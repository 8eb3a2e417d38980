// Executes an action exactly once and makes sure its execution is known: when execute's answer
// is lost, the execution it may have created is looked for (reconcile.ts) instead of leaving
// the caller to guess, or to run it again and create a duplicate.

import type { ActionExecution, MindzieClient } from '@mindzie/client';
import { InvalidArgumentError } from '@mindzie/client';
import { ExecuteOutcomeUnknownError, ExecutionNotCreatedError, UnsupportedError } from './errors.js';
import { leavesOutcomeUnknown } from './failures.js';
import type { LostAnswer } from './lost-answer.js';
import { findLostExecution, type ReconcileOptions, resolveReconcile } from './reconcile.js';
import { checkClient } from './waits.js';

export interface StartActionOptions {
  /**
   * Aborts the reads around execute (the last execution before, the search after a lost
   * answer), never execute itself once sent: its answer names the execution.
   */
  signal?: AbortSignal;
  /**
   * When execute's answer is lost, look for the execution it may have created (default on;
   * `false` to turn off, or `{ windowMs, clockSkewMs }`). See the README's caveat.
   */
  reconcile?: boolean | ReconcileOptions;
}

export interface StartedAction {
  /** The new execution: execute's answer, or the one found in the history after its answer was lost. */
  execution: ActionExecution;
  /** True when execute's answer was lost and the execution was found in the action's history. */
  adopted: boolean;
  /** Execute's error when `adopted`. */
  recoveredFrom?: unknown;
}

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
  return startActionWith(client, actionId, options, undefined);
}

/** `startAction`, with the signal that may end execute itself (runAction's deadline). */
export async function startActionWith(
  client: MindzieClient,
  actionId: string,
  options: StartActionOptions,
  executeSignal: AbortSignal | undefined,
): Promise<StartedAction> {
  checkClient(client);
  if (options === null || typeof options !== 'object') {
    throw new InvalidArgumentError('options', 'options must be an object');
  }
  const reconcile = resolveReconcile(options.reconcile);
  const signal = options.signal ?? new AbortController().signal;
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
    throw new InvalidArgumentError('signal', 'signal has the wrong type');
  }
  signal.throwIfAborted();
  // The execution to compare with afterwards, read in the server's own clock. Nothing is sent
  // yet, so a failure here is just a failure.
  const lastSeenBefore = reconcile ? await client.getLastActionExecution(actionId, { signal }) : undefined;
  signal.throwIfAborted();
  const sentAt = Date.now();
  let execution: ActionExecution;
  try {
    execution = await client.executeAction(actionId, executeSignal ? { signal: executeSignal } : undefined);
  } catch (cause) {
    if (!leavesOutcomeUnknown(cause)) {
      throw cause; // refused (400, 401, 404) or the deadline: nothing to find
    }
    const lost: LostAnswer = { actionId, cause, lastSeenBefore, sentAt, lookedForMs: 0 };
    if (!reconcile) {
      throw new ExecuteOutcomeUnknownError(lost, 'reconcile-off');
    }
    const finding = await findLostExecution(
      client,
      actionId,
      { lastSeen: lastSeenBefore ?? null, sentAt },
      { ...reconcile, signal },
    );
    lost.lookedForMs = finding.lookedForMs;
    if (finding.found === 'one') {
      return { execution: finding.execution, adopted: true, recoveredFrom: cause };
    }
    if (finding.found === 'none') {
      throw new ExecutionNotCreatedError(lost);
    }
    if (finding.found === 'several') {
      throw new ExecuteOutcomeUnknownError(lost, 'several-candidates', finding.candidates);
    }
    throw new ExecuteOutcomeUnknownError(lost, 'history-unreadable', finding.candidates, finding.error);
  }
  // Without an id there is nothing to follow, yet the server may have queued the run.
  if (typeof execution?.actionExecutionId !== 'string') {
    throw new UnsupportedError(
      `Execute answered something that is not an execution: check the last execution of action ${actionId} before running it again, as one may have been created`,
    );
  }
  return { execution, adopted: false };
}
