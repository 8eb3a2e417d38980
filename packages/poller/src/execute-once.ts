// Executes an action or a block exactly once and makes sure its execution is known: when
// execute's answer is lost, the execution it may have created is looked for (reconcile.ts)
// instead of leaving the caller to guess, or to run it again and create a duplicate.

import type { ActionExecution, BlockExecution, MindzieClient } from '@mindzie/client';
import { InvalidArgumentError } from '@mindzie/client';
import {
  ExecuteOutcomeUnknownError,
  ExecutionNotCreatedError,
  refusesToken,
  TokenRefusedError,
  UnsupportedError,
} from './errors.js';
import type { Executable } from './executables.js';
import { leavesOutcomeUnknown, wasNotSent } from './failures.js';
import { describeTarget, type LostAnswer } from './lost-answer.js';
import { checkStep, withNextStep } from './next-step.js';
import { findLostExecution, type ReconcileOptions, resolveReconcile } from './reconcile.js';
import { checkClient } from './waits.js';

export interface StartOptions {
  /**
   * Aborts the reads around execute (the executions before, the search after a lost answer),
   * never execute itself once sent: its answer names the execution.
   */
  signal?: AbortSignal;
  /**
   * When execute's answer is lost, look for the execution it may have created (default on;
   * `false` to turn off, or `{ windowMs, clockSkewMs }`). See the README's caveat.
   */
  reconcile?: boolean | ReconcileOptions;
}

export interface Started<E> {
  /** The new execution: execute's answer, or the one found after its answer was lost. */
  execution: E;
  /** True when execute's answer was lost and the execution was found among the executions listed. */
  adopted: boolean;
  /** Execute's error when `adopted`. */
  recoveredFrom?: unknown;
}

/** Checks the options a start takes, before anything is sent. */
export function checkStartOptions(client: MindzieClient, options: StartOptions): void {
  checkClient(client);
  if (options === null || typeof options !== 'object') {
    throw new InvalidArgumentError('options', 'options must be an object');
  }
  resolveReconcile(options.reconcile);
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
    throw new InvalidArgumentError('signal', 'signal has the wrong type');
  }
}

/**
 * Executes once. If execute was never sent (refused, DNS, TLS, a middleware's onRequest), rejects
 * with ExecutionNotCreatedError at once. If its outcome is unknown (a reset, a timeout after sending,
 * 5xx, 429, an unreadable 2xx, a middleware throwing in onResponse), searches the executions
 * listed: one new execution is adopted; none rejects with ExecutionNotCreatedError; two or more, an
 * unreadable list, or a server that keeps none reject with ExecuteOutcomeUnknownError.
 * `executeSignal` may end execute itself (runAction's deadline).
 */
export async function executeOnce<E extends ActionExecution | BlockExecution>(
  client: MindzieClient,
  executable: Executable<E>,
  options: StartOptions,
  executeSignal: AbortSignal | undefined,
): Promise<Started<E>> {
  checkStartOptions(client, options);
  const reconcile = resolveReconcile(options.reconcile);
  const signal = options.signal ?? new AbortController().signal;
  signal.throwIfAborted();
  const { target } = executable;
  // What to compare with afterwards, read in the server's own clock. Nothing is sent yet, so a
  // failure here is just a failure; a refused token says that nothing was executed.
  const before = reconcile
    ? await executable.before(signal).catch((error: unknown) => {
        throw refusesToken(error) ? new TokenRefusedError(error, target) : error;
      })
    : undefined;
  signal.throwIfAborted();
  const historyKept = before !== 'unsupported';
  const sentAt = Date.now();
  let execution: E;
  try {
    execution = await executable.execute(executeSignal);
  } catch (cause) {
    const lastSeenBefore = before === undefined || before === 'unsupported' ? undefined : before.lastSeen;
    if (wasNotSent(cause)) {
      // Nothing left this machine: nothing can have been created, and there is nothing to search for.
      throw new ExecutionNotCreatedError({ target, cause, lastSeenBefore, sentAt, lookedForMs: 0 }, true);
    }
    if (!leavesOutcomeUnknown(cause)) {
      // Refused (400, 401, 404): nothing was created. The deadline: execute may have arrived.
      throw executeSignal?.aborted ? withNextStep(cause, checkStep(target, { historyKept })) : cause;
    }
    const lost: LostAnswer<E> = { target, cause, lastSeenBefore, sentAt, lookedForMs: 0 };
    if (!reconcile || before === undefined) {
      throw new ExecuteOutcomeUnknownError(lost, 'reconcile-off');
    }
    if (before === 'unsupported') {
      throw new ExecuteOutcomeUnknownError(lost, 'history-unsupported');
    }
    const finding = await findLostExecution(executable.read, { ...before, sentAt }, { ...reconcile, signal });
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
  if (typeof executable.idIn(execution) !== 'string') {
    const error = new UnsupportedError(
      `Execute answered something that is not an execution: check the last execution of ` +
        `${describeTarget(target)} before running it again, as one may have been created`,
    );
    throw withNextStep(error, checkStep(target, { historyKept }));
  }
  return { execution, adopted: false };
}
