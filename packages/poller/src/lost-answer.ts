// What a lost execute answer leaves behind: the facts the errors report.
import type { ActionExecution } from '@mindzie/client';

export interface LostAnswer {
  actionId: string;
  /** Execute's own error. */
  cause: unknown;
  /** The last execution read before execute (`null`: none; `undefined`: not read). */
  lastSeenBefore: ActionExecution | null | undefined;
  /** This machine's clock when execute was sent (epoch ms). */
  sentAt: number;
  lookedForMs: number;
}

export function describeLastSeen(lastSeen: ActionExecution | null | undefined): string {
  if (lastSeen === undefined) {
    return 'the last execution was not read before';
  }
  if (lastSeen === null) {
    return 'the action had no execution before';
  }
  return `the last one before was ${lastSeen.actionExecutionId}, started ${lastSeen.dateStarted}`;
}
