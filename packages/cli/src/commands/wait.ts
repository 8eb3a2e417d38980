import { ApiError } from '@mindzie/client';
import { ExecutionFailedError, pollUntil, type PollEvent } from '@mindzie/poller';
import { InterruptedError } from '../errors.js';
import { createStatusLine } from '../render/status-line.js';
import type { CommandContext } from './context.js';

/** The options every wait passes to the poller: deadline, Ctrl-C and the live status line. */
interface WaitHooks<T> {
  timeoutMs?: number | undefined;
  signal: AbortSignal;
  onPoll: (event: PollEvent<T>) => void;
}

/**
 * The poller's own checks of a wait's deadline, run before execute: exit 2 says nothing was
 * sent, so no bad option may surface after an execute. A poll whose signal has already
 * aborted checks its options (a bad one rejects with InvalidArgumentError), then rejects
 * with the signal's reason without calling its check.
 */
export async function checkWaitOptions(timeoutMs: number | undefined): Promise<void> {
  const checked = new Error('wait options checked');
  const outcome = await pollUntil(() => Promise.reject(checked), () => true, { timeoutMs, signal: AbortSignal.abort(checked) }).catch((error: unknown) => error);
  if (outcome !== checked) throw outcome;
}

/**
 * Runs one poller wait behind the live status line. Ctrl-C aborts the wait only (never
 * the execution) and becomes an InterruptedError that names the execution to resume.
 */
export async function waitWithStatus<T extends { status: string }>(
  ctx: CommandContext,
  subject: string,
  firstStatus: string,
  timeoutMs: number | undefined,
  wait: (hooks: WaitHooks<T>) => Promise<T>,
): Promise<T> {
  const line = createStatusLine(ctx.output, subject);
  let ending: 'succeeded' | 'failed' | 'stopped' = 'stopped';
  let status = firstStatus;
  line.update({ status });
  try {
    const execution = await wait({
      timeoutMs,
      signal: ctx.signal,
      onPoll: (event) => {
        if (event.value) {
          status = event.value.status;
          ctx.state.execution = event.value;
        }
        const nextCheckAt = event.nextDelayMs === undefined ? undefined : Date.now() + event.nextDelayMs;
        const problem = event.error === undefined || nextCheckAt === undefined ? undefined : describeProblem(event.error);
        line.update({ status, nextCheckAt, problem });
      },
    });
    ctx.state.execution = execution;
    line.update({ status: execution.status });
    ending = 'succeeded';
    return execution;
  } catch (error) {
    if (error instanceof ExecutionFailedError) {
      line.update({ status: (error.execution as { status: string }).status });
      ending = 'failed';
    }
    throw interruptedOr(ctx, error);
  } finally {
    line.stop(ending);
  }
}

/** After Ctrl-C any failure is the interruption: say so, with the execution and how to resume. */
export function interruptedOr(ctx: CommandContext, error: unknown): unknown {
  return ctx.signal.aborted ? new InterruptedError(ctx.state.executionId, ctx.state.resume) : error;
}

function describeProblem(error: unknown): string {
  if (error instanceof ApiError) return `${error.name} ${error.status}`;
  return error instanceof Error ? error.name : 'error';
}
