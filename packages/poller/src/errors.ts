// The poller's errors extend the SDK's one hierarchy (@mindzie/client); nothing here
// redefines a client error. Each carries what a caller needs to decide what to do next.
import { MindzieError, TimeoutError } from '@mindzie/client';
import type { ActionExecution, BlockExecution } from '@mindzie/client';

/**
 * The execution reached a terminal status other than success (action `Failed`; block
 * `Failed` or `Cancelled`). `reason` is the server's `notes` (actions) or `errorMessage`
 * (blocks). Pass `returnFailed: true` to get the execution back instead.
 */
export class ExecutionFailedError<E extends ActionExecution | BlockExecution = ActionExecution | BlockExecution> extends MindzieError {
  override name = 'ExecutionFailedError';
  readonly reason: string | null;

  constructor(readonly execution: E) {
    const reason = 'notes' in execution ? execution.notes : execution.errorMessage;
    const id = 'actionExecutionId' in execution ? execution.actionExecutionId : execution.executionId;
    super(`Execution ${id} ended ${execution.status}${reason ? `: ${reason}` : ''}`);
    this.reason = reason;
  }
}

/**
 * The wait's deadline passed before a terminal status. `lastSeen` is the last value a
 * check returned (the last execution seen), or `undefined` when none answered. It is a
 * TimeoutError, so code that handles the client's timeouts handles this one too.
 */
export class WaitTimeoutError<T = unknown> extends TimeoutError {
  override name = 'WaitTimeoutError';
  constructor(
    /** The wait's total limit in milliseconds. */
    readonly timeoutMs: number,
    readonly lastSeen: T | undefined,
  ) {
    super(`No terminal status within ${timeoutMs} ms${statusSuffix(lastSeen)}`);
  }
}

/** The server cannot answer what the wait needs (e.g. "Block execution history not yet implemented"). */
export class UnsupportedError extends MindzieError {
  override name = 'UnsupportedError';
}

function statusSuffix(value: unknown): string {
  const status = (value as { status?: unknown } | undefined)?.status;
  return typeof status === 'string' ? ` (last status: ${status})` : '';
}
