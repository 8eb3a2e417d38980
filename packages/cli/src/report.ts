import {
  type ActionExecution,
  ApiError,
  type BlockExecution,
  ConfigurationError,
  InvalidArgumentError,
  MindzieError,
  NotFoundError,
} from '@mindzie/client';
import {
  ExecuteAnswerLostError,
  ExecuteOutcomeUnknownError,
  ExecutionFailedError,
  ExecutionNotCreatedError,
  nextStepOf,
  UnsupportedError,
  WaitTimeoutError,
} from '@mindzie/poller';
import type { RunState } from './commands/context.js';
import { isRefusedToken } from './commands/execute-answer.js';
import { InterruptedError } from './errors.js';
import { exitRowFor } from './exit-codes.js';
import { durationBetween, formatDuration } from './format.js';

/**
 * Reports a failed run and answers its exit code. With `--json` stdout gets one document
 * `{ error, execution? }`; stderr always gets the readable message.
 */
export function reportError(error: unknown, state: RunState, options: { humanAlreadyShown?: boolean } = {}): number {
  const { output } = state;
  const row = exitRowFor(error);
  const execution = error instanceof ExecutionFailedError ? error.execution : state.execution;
  if (output.json) {
    output.result({ error: describe(error, row, state), ...(execution === undefined ? {} : { execution }) }, () => '');
  }
  if (options.humanAlreadyShown) {
    return row.code;
  }
  const c = output.errColor;
  const lines = [...humanLines(error, state), ...(state.hint === undefined ? [] : [state.hint])].flatMap((line) =>
    line.split('\n'),
  );
  for (const [index, line] of lines.entries()) {
    output.log(index === 0 ? `${c.red('✖')} ${line}` : `  ${line}`);
  }
  return row.code;
}

function describe(error: unknown, row: ReturnType<typeof exitRowFor>, state: RunState): Record<string, unknown> {
  const described: Record<string, unknown> = {
    code: row.name,
    exitCode: row.code,
    name: error instanceof Error ? error.name : 'Error',
    message: error instanceof Error ? error.message : String(error),
  };
  if (error instanceof ApiError) {
    Object.assign(described, { status: error.status, method: error.method, path: error.path });
  }
  if (error instanceof NotFoundError) {
    described.reason = error.reason ?? null;
  }
  if (error instanceof ExecutionFailedError) {
    described.reason = error.reason;
  }
  if (error instanceof WaitTimeoutError) {
    described.timeoutMs = error.timeoutMs;
  }
  if (error instanceof InvalidArgumentError) {
    described.argument = error.argument;
  }
  if (error instanceof ConfigurationError) {
    described.problems = error.problems;
  }
  if (error instanceof ExecuteAnswerLostError) {
    Object.assign(described, lostAnswerFields(error));
  }
  if (state.executionId !== undefined) {
    Object.assign(described, { executionCreated: true, executionId: state.executionId });
  }
  if (state.nothingExecuted) {
    described.executionCreated = false;
  }
  if (state.adopted !== undefined) {
    Object.assign(described, state.adopted);
  }
  if (state.hint !== undefined) {
    described.hint = state.hint;
  }
  // What the poller says to do next (whether an execution exists, its id, the command), as it says it.
  const next = nextStepOf(error);
  if (next !== undefined) {
    described.next = next;
  }
  // The execution exists: every failure from here on says how to carry on with it, in the poller's words where it
  // gave a next step (a failed execution: show it, not wait for it), so `resume` and `next.command` never disagree.
  if (state.resume !== undefined && state.executionId !== undefined) {
    described.resume = next?.command ?? state.resume;
  }
  return described;
}

/** What a lost execute answer left, for `--json`: whether an execution exists and how to check. */
function lostAnswerFields(error: ExecuteAnswerLostError): Record<string, unknown> {
  const of = error.kind === 'block' ? { blockId: error.blockId } : { actionId: error.actionId };
  return {
    ...of,
    executionCreated: error.executionCreated,
    safeToRunAgain: error.safeToRunAgain,
    ...(error instanceof ExecuteOutcomeUnknownError ? { why: error.why } : {}),
    candidates: error.candidates.map(brief),
    lastSeenBefore: error.lastSeenBefore ? brief(error.lastSeenBefore) : (error.lastSeenBefore ?? null),
    sentAt: error.sentAt,
    lookedForMs: error.lookedForMs,
    check: checkCommand(error),
  };
}

/** The command that lists the executions (none: a server without block history). */
function checkCommand(error: ExecuteAnswerLostError): string | null {
  if (error instanceof ExecuteOutcomeUnknownError && error.why === 'history-unsupported') {
    return null;
  }
  return error.kind === 'block' ? `mindzie block results ${error.blockId}` : `mindzie action history ${error.actionId}`;
}

function brief(e: ActionExecution | BlockExecution) {
  if ('actionExecutionId' in e) {
    return { actionExecutionId: e.actionExecutionId, dateStarted: e.dateStarted, status: e.status };
  }
  return { executionId: e.executionId, dateQueued: e.dateQueued, status: e.status };
}

function humanLines(error: unknown, state: RunState): string[] {
  const id = state.executionId;
  if (error instanceof ExecutionFailedError) {
    const execution = error.execution;
    const isAction = 'actionExecutionId' in execution;
    const started = isAction ? execution.dateStarted : (execution.dateStarted ?? execution.dateQueued);
    const took = durationBetween(started, execution.dateEnded);
    const after = took === undefined ? '' : ` after ${formatDuration(took)}`;
    return [
      `Execution ${isAction ? execution.actionExecutionId : execution.executionId} ended ${execution.status}${after}.`,
      `${isAction ? 'Notes' : 'Error'}: ${error.reason ?? '(the server gave none)'}`,
    ];
  }
  if (error instanceof WaitTimeoutError) {
    return [
      `Gave up waiting after ${formatDuration(error.timeoutMs)}${lastStatus(error.lastSeen)}. ` +
        'The execution was not cancelled and may still run.',
      ...(state.resume ? [`Resume with: ${state.resume}`] : []),
    ];
  }
  if (error instanceof InterruptedError) {
    return [
      error.executionId === undefined
        ? error.message
        : `Interrupted: stopped waiting for execution ${error.executionId}.`,
      ...(error.executionId === undefined
        ? []
        : ['It was not cancelled and keeps running on the server (the API has no cancel); nothing was sent twice.']),
      ...(error.resumeCommand ? [`Resume with: ${error.resumeCommand}`] : []),
    ];
  }
  if (error instanceof ExecuteAnswerLostError) {
    return lostAnswerLines(error);
  }
  if (isRefusedToken(error)) {
    const refused = `The server refused the token (${error.status}${error.status === 403 ? ' Forbidden' : ''})`;
    const check = 'Check the token (MINDZIE_TOKEN or --token) and the tenant and project ids it is meant for.';
    if (state.nothingExecuted) {
      // The read before execute (or execute itself) was refused: said plainly, the request in brackets.
      // The path without `/api/{tenant}/{project}`: the ids are the user's own, and the line stays short.
      const path = error.path?.replace(/^(?:\/[^/]+)*?\/api\/[^/]+\/[^/]+/, '…');
      return [`${refused}; nothing was executed.`, `(${error.method} ${path} answered ${error.status})`, check];
    }
    return [`${refused}.`, error.message, check];
  }
  if (error instanceof NotFoundError) {
    return [`Not found (404${error.reason ? `, "${error.reason}"` : ''}): ${error.method} ${error.path}`];
  }
  if (error instanceof UnsupportedError) {
    return [
      error.message,
      ...(id === undefined ? [] : [`Execution ${id} was queued; this server cannot tell how it ends.`]),
    ];
  }
  const message =
    error instanceof MindzieError
      ? error.message
      : error instanceof Error
        ? `${error.name}: ${error.message}`
        : String(error);
  // The execution exists already: never run it again, carry on with it.
  const carryOn =
    id !== undefined && state.resume !== undefined
      ? [`Execution ${id} was created; carry on with: ${state.resume}`]
      : [];
  return [message, ...carryOn];
}

function lostAnswerLines(error: ExecuteAnswerLostError): string[] {
  const cause = error.cause instanceof Error ? `${error.cause.name}: ${error.cause.message}` : String(error.cause);
  const isBlock = error.kind === 'block';
  const what = isBlock ? `block ${error.blockId}` : `action ${error.actionId}`;
  const first = `Execute of ${what} got no usable answer (${cause}).`;
  const listing = isBlock ? "the block's results" : "the action's history";
  const before = error.lastSeenBefore ? `the last one before was ${idOf(error.lastSeenBefore)}` : 'it had none before';
  if (error instanceof ExecutionNotCreatedError) {
    return [
      first,
      `No new execution appeared in ${listing} for ${formatDuration(error.lookedForMs)} (${before}): ` +
        'it was most likely NOT created.',
    ];
  }
  const candidates = error.candidates.map((e) => `  candidate ${idOf(e)}, started ${startedOf(e)}, ${e.status}`);
  if (error instanceof ExecuteOutcomeUnknownError && error.why === 'several-candidates') {
    return [
      first,
      `Whether it created an execution is unknown: ${error.candidates.length} new executions appeared ` +
        `(another client may run this ${error.kind} too); none was adopted:`,
      ...candidates,
    ];
  }
  if (error instanceof ExecuteOutcomeUnknownError && error.why === 'reconcile-off') {
    return [first, `Whether it created an execution is unknown (--no-reconcile: ${listing} was not searched).`];
  }
  if (error instanceof ExecuteOutcomeUnknownError && error.why === 'history-unsupported') {
    return [
      first,
      'Whether it created an execution cannot be told: this server keeps no block history ' +
        '("Block execution history not yet implemented").',
    ];
  }
  return [first, `Whether it created an execution is unknown: ${listing} could not be read.`, ...candidates];
}

function idOf(e: ActionExecution | BlockExecution): string {
  return 'actionExecutionId' in e ? e.actionExecutionId : e.executionId;
}

function startedOf(e: ActionExecution | BlockExecution): string {
  return 'actionExecutionId' in e ? e.dateStarted : e.dateQueued;
}

function lastStatus(lastSeen: unknown): string {
  const status = (lastSeen as { status?: unknown } | undefined)?.status;
  return typeof status === 'string' ? ` (last status: ${status})` : '';
}
