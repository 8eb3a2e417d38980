// The poller's errors extend the SDK's one hierarchy (@mindzie/client); nothing here
// redefines a client error. Each carries what a caller needs to decide what to do next.

import type { ActionExecution, BlockExecution } from '@mindzie/client';
import { MindzieError, TimeoutError } from '@mindzie/client';
import { describeLastSeen, type LostAnswer } from './lost-answer.js';

/**
 * The execution reached a terminal status other than success (action `Failed`; block
 * `Failed` or `Cancelled`). `reason` is the server's `notes` (actions) or `errorMessage`
 * (blocks). Pass `returnFailed: true` to get the execution back instead.
 */
export class ExecutionFailedError<
  E extends ActionExecution | BlockExecution = ActionExecution | BlockExecution,
> extends MindzieError {
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

/**
 * Execute was sent but its answer was lost (a network error or reset, a timeout, a 5xx, a
 * 429, a 2xx whose body could not be read), so the server may or may not have created an
 * execution. `cause` is execute's own error. Never retried: execute creates an execution
 * every time. See the two subclasses for what was found.
 */
export class ExecuteAnswerLostError extends MindzieError {
  override name = 'ExecuteAnswerLostError';
  /** The action that was executed. */
  declare readonly actionId: string;
  /** Whether an execution exists: `false` (most likely not: none appeared) or `'unknown'`. */
  declare readonly executionCreated: false | 'unknown';
  /** True when running the action again is reasonable (nothing was created, most likely). */
  declare readonly safeToRunAgain: boolean;
  /** The executions that may be the one execute created (never adopted when more than one). */
  declare readonly candidates: ActionExecution[];
  /** The action's last execution read before execute (`null`: none), when it was read. */
  declare readonly lastSeenBefore: ActionExecution | null | undefined;
  /** When execute was sent (ISO 8601, this machine's clock). */
  declare readonly sentAt: string;
  /** How long the history was searched (0 when reconciling was off). */
  declare readonly lookedForMs: number;
  /** The call that tells what happened: `client.getLastActionExecution("…")` / `client.listActionExecutions("…")`. */
  declare readonly check: string;

  constructor(
    message: string,
    lost: LostAnswer,
    fields: { executionCreated: false | 'unknown'; candidates?: ActionExecution[] },
  ) {
    super(message, { cause: lost.cause });
    this.actionId = lost.actionId;
    this.executionCreated = fields.executionCreated;
    this.safeToRunAgain = fields.executionCreated === false;
    this.candidates = fields.candidates ?? [];
    this.lastSeenBefore = lost.lastSeenBefore;
    this.sentAt = new Date(lost.sentAt).toISOString();
    this.lookedForMs = lost.lookedForMs;
    this.check = `client.listActionExecutions("${lost.actionId}")`;
  }
}

/**
 * Execute's answer was lost and no new execution appeared in the action's history for the
 * whole reconcile window: it was most likely **not** created, and running the action again is
 * reasonable. (Another client's execution in the same seconds would have been adopted instead.)
 */
export class ExecutionNotCreatedError extends ExecuteAnswerLostError {
  override name = 'ExecutionNotCreatedError';
  constructor(lost: LostAnswer) {
    super(
      `Execute of action ${lost.actionId} got no usable answer (${causeText(lost.cause)}), and no new execution appeared in its history ` +
        `for ${seconds(lost.lookedForMs)} (${describeLastSeen(lost.lastSeenBefore)}): it was most likely not created, and it is reasonable to run it again.`,
      lost,
      { executionCreated: false },
    );
  }
}

/**
 * Execute's answer was lost and what happened cannot be told: reconciling was off, the
 * history could not be read, or two or more new executions appeared (someone else ran the
 * action too). `candidates` lists them; none was adopted. Check before running it again.
 */
export class ExecuteOutcomeUnknownError extends ExecuteAnswerLostError {
  override name = 'ExecuteOutcomeUnknownError';
  /** Why it cannot be told. */
  declare readonly why: 'reconcile-off' | 'history-unreadable' | 'several-candidates';
  /** Why the history could not be read (a read's error, or the abort reason), for `history-unreadable`. */
  declare readonly historyError: unknown;

  constructor(
    lost: LostAnswer,
    why: ExecuteOutcomeUnknownError['why'],
    candidates: ActionExecution[] = [],
    historyError?: unknown,
  ) {
    super(
      `Execute of action ${lost.actionId} got no usable answer (${causeText(lost.cause)}), and whether it created an execution is unknown: ${unknownBecause(why, candidates)}. ` +
        `Check the action's executions (client.listActionExecutions) before running it again.`,
      lost,
      { executionCreated: 'unknown', candidates },
    );
    this.why = why;
    this.historyError = historyError;
  }
}

function unknownBecause(why: ExecuteOutcomeUnknownError['why'], candidates: ActionExecution[]): string {
  const ids = candidates.map((e) => `${e.actionExecutionId} (started ${e.dateStarted}, ${e.status})`).join(', ');
  if (why === 'several-candidates') {
    return `${candidates.length} new executions appeared (${ids}): another client may run this action too, so none was adopted`;
  }
  if (why === 'reconcile-off') {
    return 'reconciling is off, so its history was not searched';
  }
  return `its history could not be read to find out${candidates.length ? ` (candidates seen: ${ids})` : ''}`;
}

function causeText(cause: unknown): string {
  if (cause instanceof Error) {
    return `${cause.name}: ${cause.message}`;
  }
  return String(cause);
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
