// Reading execute's answer: the one place a new execution's id comes from.
import { ApiError } from '@mindzie/client';
import { UnsupportedError } from '@mindzie/poller';
import type { CommandContext, RunState } from './context.js';

/**
 * The new execution's id from execute's answer. An answer without one (`null`, another
 * shape) names nothing to follow: an UnsupportedError, with `hint` on what to check, since
 * the server may have queued the run all the same.
 */
export function executionIdIn<K extends string>(
  answer: { [key in K]: string },
  key: K,
  state: RunState,
  hint: string,
): string {
  const id = (answer as Partial<Record<K, unknown>> | null)?.[key];
  if (typeof id === 'string') {
    return id;
  }
  state.hint = hint;
  throw new UnsupportedError(
    `The server answered execute with ${described(answer)}, not an execution: there is nothing to follow.`,
  );
}

/** An answer that names no execution, as the error words it. */
function described(answer: unknown): string {
  if (answer === null) {
    return 'null';
  }
  return typeof answer === 'object' ? 'no execution id' : `a ${typeof answer}`;
}

/**
 * Says which execution the run follows: the one execute answered with, or the one found again after its
 * answer was lost (recorded in `state.adopted` for --json).
 */
export function announceExecution(
  { output, state }: CommandContext,
  started: { execution: { status: string }; adopted?: boolean; recoveredFrom?: unknown },
  executionId: string,
  of: { kind: 'action' | 'block'; id: string; searched: string },
): void {
  const shown = output.errColor.bold(executionId);
  if (!started.adopted) {
    output.log(`Executed ${of.kind} ${of.id}: execution ${shown} is ${started.execution.status}.`);
    return;
  }
  const recoveredFrom = errorSummary(started.recoveredFrom);
  state.adopted = { adopted: true, recoveredFrom };
  output.log(
    `Execute's answer was lost (${recoveredFrom.message}); ` +
      `its execution ${shown} was found in ${of.searched} (the only new one) ` +
      'and is followed as if execute had answered. Nothing was sent twice.',
  );
}

/** An error as `{ name, message }` for output (never a stack, never a token: messages are masked by the client). */
export function errorSummary(error: unknown): { name: string; message: string } {
  if (error instanceof Error) {
    return { name: error.name, message: error.message };
  }
  return { name: 'Error', message: String(error) };
}

/**
 * A 401 or 403 from a start (the read before execute, or execute itself): the server refused the token, so
 * nothing was executed. A start's lost answer is another error (ExecuteAnswerLostError), never this one.
 */
export function noteRefusedStart(error: unknown, state: RunState): void {
  if (isRefusedToken(error)) {
    state.nothingExecuted = true;
  }
}

export const isRefusedToken = (error: unknown): error is ApiError =>
  error instanceof ApiError && (error.status === 401 || error.status === 403);
