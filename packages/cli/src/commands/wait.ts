import { ApiError } from '@mindzie/client';
import { ExecutionFailedError, type PollEvent } from '@mindzie/poller';
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
  const line = createStatusLine(ctx.output, subject, { heartbeatMs: ctx.heartbeatMs });
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
        const problem =
          event.error === undefined || nextCheckAt === undefined ? undefined : describeProblem(event.error);
        line.update({ status, nextCheckAt, problem, usuallyMs: event.prior?.expectedMs });
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
  if (error instanceof ApiError) {
    return `${error.name} ${error.status}`;
  }
  return error instanceof Error ? error.name : 'error';
}
