// What a lost execute answer leaves behind: the facts the errors report.
import type { ActionExecution, BlockExecution } from '@mindzie/client';

/** What was executed: an action, or a block (whose executions are read from its results). */
export type ExecuteTarget = { kind: 'action'; actionId: string } | { kind: 'block'; blockId: string };

export interface LostAnswer<E extends ActionExecution | BlockExecution = ActionExecution | BlockExecution> {
  target: ExecuteTarget;
  /** Execute's own error. */
  cause: unknown;
  /** The last execution read before execute (`null`: none; `undefined`: not read). */
  lastSeenBefore: E | null | undefined;
  /** This machine's clock when execute was sent (epoch ms). */
  sentAt: number;
  lookedForMs: number;
}

/** `action a000…` / `block b000…`, for messages. */
export function describeTarget(target: ExecuteTarget): string {
  return target.kind === 'action' ? `action ${target.actionId}` : `block ${target.blockId}`;
}

export function executionIdOf(execution: ActionExecution | BlockExecution): string {
  return 'actionExecutionId' in execution ? execution.actionExecutionId : execution.executionId;
}

/** When the server says the execution started (an action's `dateStarted`, a block's `dateQueued`). */
export function startedAtOf(execution: ActionExecution | BlockExecution): string {
  return 'actionExecutionId' in execution ? execution.dateStarted : execution.dateQueued;
}

export function describeLastSeen(lastSeen: ActionExecution | BlockExecution | null | undefined): string {
  if (lastSeen === undefined) {
    return 'the last execution was not read before';
  }
  if (lastSeen === null) {
    return 'there was no execution before';
  }
  return `the last one before was ${executionIdOf(lastSeen)}, started ${startedAtOf(lastSeen)}`;
}
