// The poller's errors extend the SDK's one hierarchy (@mindzie/client); nothing here
// redefines a client error. Each carries what a caller needs to decide what to do next.

import type { ActionExecution, BlockExecution } from '@mindzie/client';
import { ApiError, MindzieError, TimeoutError, UnauthorizedError } from '@mindzie/client';
import {
  describeLastSeen,
  describeTarget,
  type ExecuteTarget,
  executionIdOf,
  type LostAnswer,
  startedAtOf,
} from './lost-answer.js';
import { checkStep, type NextStep, runAgainStep } from './next-step.js';

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
  /** What to do next (see NextStep), when it came from runAction, runBlock or a wait. */
  declare readonly next?: NextStep;

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
  /** What to do next: follow the execution, which keeps running (see NextStep). */
  declare readonly next?: NextStep;
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
  /** What to do next, when an execution may exist (see NextStep). */
  declare readonly next?: NextStep;
}

/**
 * The read before execute was refused with 401 or 403: the token (or its tenant and project)
 * was refused, and **nothing was executed**. An `UnauthorizedError` (CLI exit 6) whatever the
 * status; `status`, `method`, `path` and `body` are the refused read's.
 */
export class TokenRefusedError extends UnauthorizedError {
  override name = 'TokenRefusedError';
  /** Always false: execute was not sent. */
  readonly executed = false;

  constructor(refused: ApiError, target: ExecuteTarget) {
    const { status, body, method = 'GET', path = '' } = refused;
    super(
      `The token was refused (${status} on ${method} ${path}, the read before execute): nothing was executed. ` +
        `Check the token and the tenant and project ids, then run ${describeTarget(target)} again.`,
      { status, body, request: { method, path } },
    );
  }
}

/** True for the client's answer to a refused token or a forbidden tenant or project. */
export function refusesToken(error: unknown): error is ApiError {
  return error instanceof ApiError && (error.status === 401 || error.status === 403);
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
export class ExecuteAnswerLostError<
  E extends ActionExecution | BlockExecution = ActionExecution | BlockExecution,
> extends MindzieError {
  override name = 'ExecuteAnswerLostError';
  /** What was executed. */
  declare readonly kind: 'action' | 'block';
  /** The action that was executed (actions only). */
  declare readonly actionId?: string;
  /** The block that was executed (blocks only). */
  declare readonly blockId?: string;
  /** Whether an execution exists: `false` (most likely not: none appeared) or `'unknown'`. */
  declare readonly executionCreated: false | 'unknown';
  /** True when running it again is reasonable (nothing was created, most likely). */
  declare readonly safeToRunAgain: boolean;
  /** The executions that may be the one execute created (never adopted when more than one). */
  declare readonly candidates: E[];
  /** The last execution read before execute (`null`: none), when it was read. */
  declare readonly lastSeenBefore: E | null | undefined;
  /** When execute was sent (ISO 8601, this machine's clock). */
  declare readonly sentAt: string;
  /** How long the executions were searched (0 when they were not). */
  declare readonly lookedForMs: number;
  /** The call that tells what happened, e.g. `client.listActionExecutions("…")` (`next.call`). */
  declare readonly check: string | undefined;
  /** What to do next: run again (`ExecutionNotCreatedError`) or check first (see NextStep). */
  declare readonly next: NextStep;

  constructor(message: string, lost: LostAnswer<E>, fields: { next: NextStep; candidates?: E[] }) {
    super(message, { cause: lost.cause });
    const { target } = lost;
    this.kind = target.kind;
    if (target.kind === 'action') {
      this.actionId = target.actionId;
    } else {
      this.blockId = target.blockId;
    }
    this.executionCreated = fields.next.executionCreated === false ? false : 'unknown';
    this.safeToRunAgain = fields.next.safeToRunAgain;
    this.candidates = fields.candidates ?? [];
    this.lastSeenBefore = lost.lastSeenBefore;
    this.sentAt = new Date(lost.sentAt).toISOString();
    this.lookedForMs = lost.lookedForMs;
    this.next = fields.next;
    this.check = fields.next.call ?? checkStep(target, { historyKept: true }).call;
  }
}

/**
 * Execute's answer was lost and no new execution appeared in the executions read for the whole
 * reconcile window: it was most likely **not** created, and running it again is reasonable.
 * (Another client's execution in the same seconds would have been adopted instead.)
 */
export class ExecutionNotCreatedError<
  E extends ActionExecution | BlockExecution = ActionExecution | BlockExecution,
> extends ExecuteAnswerLostError<E> {
  override name = 'ExecutionNotCreatedError';
  /** True when execute never left this machine (refused, DNS, TLS, a middleware's onRequest): certainly not created. */
  declare readonly notSent: boolean;
  constructor(lost: LostAnswer<E>, notSent = false) {
    super(
      notSent
        ? `Execute of ${describeTarget(lost.target)} was never sent (${causeText(lost.cause)}): ` +
            'no execution was created, and it is safe to run it again.'
        : `Execute of ${describeTarget(lost.target)} got no usable answer (${causeText(lost.cause)}), ` +
            `and no new execution appeared in its ${historyName(lost)} for ${seconds(lost.lookedForMs)} ` +
            `(${describeLastSeen(lost.lastSeenBefore)}): it was most likely not created, ` +
            'and it is reasonable to run it again.',
      lost,
      { next: runAgainStep(lost.target) },
    );
    this.notSent = notSent;
  }
}

/** Why whether execute created an execution cannot be told. */
export type UnknownBecause = 'reconcile-off' | 'history-unreadable' | 'history-unsupported' | 'several-candidates';

/**
 * Execute's answer was lost and what happened cannot be told: reconciling was off, the
 * executions could not be read, the server keeps no block history, or two or more new
 * executions appeared (someone else ran it too). `candidates` lists them; none was adopted.
 * Check before running it again (`next`).
 */
export class ExecuteOutcomeUnknownError<
  E extends ActionExecution | BlockExecution = ActionExecution | BlockExecution,
> extends ExecuteAnswerLostError<E> {
  override name = 'ExecuteOutcomeUnknownError';
  /** Why it cannot be told. */
  declare readonly why: UnknownBecause;
  /** Why the executions could not be read (a read's error, or the abort reason), for `history-unreadable`. */
  declare readonly historyError: unknown;

  constructor(lost: LostAnswer<E>, why: UnknownBecause, candidates: E[] = [], historyError?: unknown) {
    const next = checkStep(lost.target, { historyKept: why !== 'history-unsupported' });
    super(
      `Execute of ${describeTarget(lost.target)} got no usable answer (${causeText(lost.cause)}), and whether ` +
        `it created an execution is unknown: ${unknownBecause(lost, why, candidates)}. ${checkAdvice(lost, why)}`,
      lost,
      { next, candidates },
    );
    this.why = why;
    this.historyError = historyError;
  }
}

function historyName(lost: LostAnswer): string {
  return lost.target.kind === 'action' ? 'history' : 'results';
}

function checkAdvice(lost: LostAnswer, why: UnknownBecause): string {
  if (why === 'history-unsupported') {
    return (
      "This server keeps no block history, so the API cannot tell: look at the block's executions in " +
      'mindzieStudio before running it again.'
    );
  }
  const call = lost.target.kind === 'action' ? 'client.listActionExecutions' : 'client.getBlockResults';
  return `Check its executions (${call}) before running it again.`;
}

function unknownBecause(lost: LostAnswer, why: UnknownBecause, candidates: Array<ActionExecution | BlockExecution>) {
  const ids = candidates.map((e) => `${executionIdOf(e)} (started ${startedAtOf(e)}, ${e.status})`).join(', ');
  if (why === 'several-candidates') {
    return (
      `${candidates.length} new executions appeared (${ids}): another client may run this ${lost.target.kind} ` +
      'too, so none was adopted'
    );
  }
  if (why === 'reconcile-off') {
    return 'reconciling is off, so no execution was looked for';
  }
  if (why === 'history-unsupported') {
    return 'the server answered that block execution history is not implemented, so there is nothing to search';
  }
  const seen = candidates.length ? ` (candidates seen: ${ids})` : '';
  return `its ${historyName(lost)} could not be read to find out${seen}`;
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
