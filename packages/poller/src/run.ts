// The whole job in one call: execute an action or a block, wait for it, and (through a
// downloader) fetch an action's package, under one deadline and one abort signal. Execute is
// sent exactly once: it creates an execution every time, so nothing here ever repeats it; a
// lost answer is reconciled from the executions listed (execute-once.ts). Every failure after
// execute may have been sent carries `next` (next-step.ts): whether an execution exists, its
// id, and the command that carries on.

import type { ActionExecution, BlockExecution, MindzieClient } from '@mindzie/client';
import { InvalidArgumentError } from '@mindzie/client';
import { WaitTimeoutError } from './errors.js';
import type { Executable } from './executables.js';
import { executeOnce } from './execute-once.js';
import { downloadStep, withNextStep } from './next-step.js';
import { resolveWait } from './options.js';
import { type ReconcileOptions, resolveReconcile } from './reconcile.js';
import { follow } from './signals.js';
import type { ActionTarget, ExecutionWaitOptions } from './waits.js';
import { checkClient, waitFor } from './waits.js';

export interface RunOptions<E> extends Omit<ExecutionWaitOptions<E>, 'resume'> {
  /**
   * Called as soon as the new execution is known: keep its id (or use `onPoll`'s resume token).
   * `adopted` is true when execute's answer was lost and the execution was found afterwards.
   */
  onExecuted?: (execution: E, how: { adopted: boolean }) => void;
  /**
   * When execute's answer is lost, look for the execution it may have created (default on):
   * `false` turns it off, `{ windowMs, clockSkewMs }` tunes it.
   */
  reconcile?: boolean | ReconcileOptions;
}

export interface RunResult<E> {
  /** The terminal execution (success, or a failure with `returnFailed`). */
  execution: E;
  /** True when execute's answer was lost and the execution was found afterwards. */
  adopted: boolean;
  /** Execute's error, when `adopted`. */
  recoveredFrom?: unknown;
}

/** Fetches the package of a completed execution; `signal` aborts at the job's deadline or the caller's abort. */
export type Downloader<E, D> = (execution: E, signal: AbortSignal) => Promise<D>;

/** How to run one kind: execute it, then wait through `waitTarget`. */
export interface RunPlan<E extends ActionExecution | BlockExecution, D> {
  executable: Executable<E>;
  waitTarget(executionId: string): ActionTarget;
  idOf(execution: E): string;
  succeeded(execution: E): boolean;
  download?: Downloader<E, D> | undefined;
}

/** Executes once, then waits: success resolves, failure rejects with ExecutionFailedError. */
export async function runWith<E extends ActionExecution | BlockExecution, D>(
  client: MindzieClient,
  plan: RunPlan<E, D>,
  options: RunOptions<E> = {},
): Promise<RunResult<E> & { file?: D }> {
  checkClient(client);
  if ((options as { resume?: unknown }).resume !== undefined) {
    throw new InvalidArgumentError('resume', 'a run starts a new execution: carry on an old one with resumeWait');
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
  let lastSeen: E | undefined;
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
    const started = await executeOnce(
      client,
      plan.executable,
      { signal: job.signal, reconcile: options.reconcile },
      deadline.signal,
    );
    lastSeen = started.execution;
    options.onExecuted?.(started.execution, { adopted: started.adopted });
    const how = started.adopted ? { adopted: true, recoveredFrom: started.recoveredFrom } : { adopted: false };
    const executionId = plan.idOf(started.execution);
    const target = plan.waitTarget(executionId);
    target.startedAt = wait.state.startedAt; // the run's age, in this machine's clock
    const explained = (error: unknown) => {
      // The caller's own abort reason is theirs, left as it is (they have the id from onExecuted).
      return signal?.aborted && error === signal.reason ? error : withNextStep(error, target.nextStep(error));
    };
    if (job.signal.aborted) {
      throw explained(job.signal.reason);
    }
    const execution = await waitFor(
      client,
      target,
      {
        ...options,
        signal: job.signal,
        onStatusChange(value, previous) {
          lastSeen = value;
          options.onStatusChange?.(value, previous);
        },
      },
      { wait, initial: started.execution },
    ).catch((error: unknown) => {
      throw explained(error);
    });
    if (!plan.download || !plan.succeeded(execution)) {
      return { execution, ...how };
    }
    const file = await plan.download(execution, job.signal).catch((error: unknown) => {
      throw signal?.aborted && error === signal.reason ? error : withNextStep(error, downloadStep(executionId));
    });
    return { execution, ...how, file };
  } finally {
    clearTimeout(timer);
    unfollow();
    unfollowDeadline();
  }
}
