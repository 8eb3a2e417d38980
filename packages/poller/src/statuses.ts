// What each documented status means to a wait. The enums come from the generated
// contract; the tables are checked against them, so a status added to the spec does not
// compile until it is classified here.
import { actionExecutionStatusValues, blockExecutionStatusValues } from '@mindzie/client';
import type { ActionExecution, ActionExecutionStatus, BlockExecution, BlockExecutionStatus } from '@mindzie/client';

type Outcome = 'pending' | 'succeeded' | 'failed';

const actionOutcomes: Record<ActionExecutionStatus, Outcome> = { Queued: 'pending', Running: 'pending', Completed: 'succeeded', Failed: 'failed' };
const blockOutcomes: Record<BlockExecutionStatus, Outcome> = { Queued: 'pending', Running: 'pending', Success: 'succeeded', Failed: 'failed', Cancelled: 'failed' };

export interface StatusTable<E> {
  isKnown(status: string): boolean;
  /** `undefined` for a status outside the enum: not terminal, not success. */
  outcome(execution: E): Outcome | undefined;
}

function table<E extends { status: S }, S extends string>(values: readonly S[], outcomes: Record<S, Outcome>): StatusTable<E> {
  const isKnown = (status: string): status is S => (values as readonly string[]).includes(status);
  return {
    isKnown,
    outcome: (execution) => (isKnown(execution.status) ? outcomes[execution.status] : undefined),
  };
}

export const actionStatuses = table<ActionExecution, ActionExecutionStatus>(actionExecutionStatusValues, actionOutcomes);
export const blockStatuses = table<BlockExecution, BlockExecutionStatus>(blockExecutionStatusValues, blockOutcomes);
