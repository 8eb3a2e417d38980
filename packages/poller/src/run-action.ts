// The whole job in one call: execute an action, wait for it, and (through a downloader)
// fetch its package, under one deadline and one abort signal. Execute is sent exactly
// once: it creates an execution every time, so nothing here ever repeats it; a lost answer
// is reconciled from the action's history (start-action.ts).

import type { ActionExecution, MindzieClient } from '@mindzie/client';
import { InvalidArgumentError } from '@mindzie/client';
import { WaitTimeoutError } from './errors.js';
import { resolveWait } from './options.js';
import { type ReconcileOptions, resolveReconcile } from './reconcile.js';
import { follow } from './signals.js';
import { startActionWith } from './start-action.js';
import { actionReading } from './statuses.js';
import { ActionTarget, checkClient, type ExecutionWaitOptions, waitFor } from './waits.js';

export interface RunActionOptions extends Omit<ExecutionWaitOptions<ActionExecution>, 'resume'> {
  /**
   * Called as soon as the new execution is known: keep its id (or use `onPoll`'s resume token).
   * `adopted` is true when execute's answer was lost and the execution was found in the history.
   */
  onExecuted?: (execution: ActionExecution, how: { adopted: boolean }) => void;
  /**
   * When execute's answer is lost, look for the execution it may have created (default on):
   * `false` turns it off, `{ windowMs, clockSkewMs }` tunes it.
   */
  reconcile?: boolean | ReconcileOptions;
}

export interface RunActionResult {
  /** The terminal execution (`Completed`, or `Failed` with `returnFailed`). */
  execution: ActionExecution;
  /** True when execute's answer was lost and the execution was found in the action's history. */
  adopted: boolean;
  /** Execute's error, when `adopted`. */
  recoveredFrom?: unknown;
}

/** Fetches the package of a completed execution; `signal` aborts at the job's deadline or the caller's abort. */
export type Downloader<D> = (execution: ActionExecution, signal: AbortSignal) => Promise<D>;

/** Executes the action once, then waits for it: `Completed` resolves, `Failed` rejects with ExecutionFailedError. */
export function runAction(
  client: MindzieClient,
  actionId: string,
  options?: RunActionOptions,
): Promise<RunActionResult> {
  return runActionWith(client, actionId, options, undefined);
}

export async function runActionWith<D>(
  client: MindzieClient,
  actionId: string,
  options: RunActionOptions = {},
  download: Downloader<D> | undefined,
): Promise<RunActionResult & { file?: D }> {
  checkClient(client);
  if ((options as { resume?: unknown }).resume !== undefined) {
    throw new InvalidArgumentError('resume', 'runAction starts a new execution: carry on an old one with resumeWait');
  }
  const wait = resolveWait(options);
  if (options.onExecuted !== undefined && typeof options.onExecuted !== 'function') {
    throw new InvalidArgumentError('onExecuted', 'onExecuted must be a function');
  }
  resolveReconcile(options.reconcile);
  const { signal } = options;
  if (signal?.aborted) {
    throw signal.reason;
  }

  // The deadline's signal (reason: a WaitTimeoutError), and the job's: deadline or caller's abort.
  const deadline = new AbortController();
  const job = new AbortController();
  const unfollowDeadline = follow(deadline.signal, job);
  const unfollow = follow(signal, job);
  let lastSeen: ActionExecution | undefined;
  const timer =
    wait.deadline === Infinity
      ? undefined
      : setTimeout(() => deadline.abort(new WaitTimeoutError(wait.timeoutMs, lastSeen)), wait.timeoutMs);
  // Execute and download keep the client's own per-attempt limit (for a download, the idle
  // time between chunks); the deadline ends them with the WaitTimeoutError.
  try {
    // The caller's abort does not cut execute short: the server may already have created the
    // execution, and its id must reach onExecuted rather than be lost. The abort takes effect
    // as soon as execute answers. A lost answer is reconciled within the same deadline.
    const {
      execution: started,
      adopted,
      recoveredFrom,
    } = await startActionWith(client, actionId, { signal: job.signal, reconcile: options.reconcile }, deadline.signal);
    lastSeen = started;
    options.onExecuted?.(started, { adopted });
    if (job.signal.aborted) {
      throw job.signal.reason;
    }
    const how = adopted ? { adopted, recoveredFrom } : { adopted };
    const execution = await waitFor(
      client,
      new ActionTarget(client, started.actionExecutionId),
      {
        ...options,
        signal: job.signal,
        onStatusChange(value, previous) {
          lastSeen = value;
          options.onStatusChange?.(value, previous);
        },
      },
      { wait, initial: started },
    );
    if (!download || actionReading.outcome(execution) !== 'succeeded') {
      return { execution, ...how };
    }
    return { execution, ...how, file: await download(execution, job.signal) };
  } finally {
    clearTimeout(timer);
    unfollow();
    unfollowDeadline();
  }
}
