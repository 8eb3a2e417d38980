// What each documented status means to a wait. The enums come from the generated
// contract; the tables are checked against them, so a status added to the spec does not
// compile until it is classified here.

import type { ActionExecution, ActionExecutionStatus, BlockExecution, BlockExecutionStatus } from '@mindzie/client';
import { actionExecutionStatusValues, blockExecutionStatusValues } from '@mindzie/client';
import { ExecutionFailedError } from './errors.js';
import type { Reading } from './stream.js';

type Outcome = 'pending' | 'succeeded' | 'failed';

const actionOutcomes: Record<ActionExecutionStatus, Outcome> = {
  Queued: 'pending',
  Running: 'pending',
  Completed: 'succeeded',
  Failed: 'failed',
};
const blockOutcomes: Record<BlockExecutionStatus, Outcome> = {
  Queued: 'pending',
  Running: 'pending',
  Success: 'succeeded',
  Failed: 'failed',
  Cancelled: 'failed',
};

/** How the waits read an execution (`undefined`: a block execution not listed yet). */
export interface ExecutionReading<E> extends Reading<E | undefined> {
  /** `undefined` for a status outside the enum: not terminal, not success. */
  outcome(execution: E): Outcome | undefined;
}

function reading<E extends ActionExecution | BlockExecution>(
  values: readonly string[],
  outcomes: Record<string, Outcome>,
): ExecutionReading<E> {
  const isKnownStatus = (status: string) => values.includes(status);
  const outcome = (e: E) => (isKnownStatus(e.status) ? outcomes[e.status] : undefined);
  return {
    isKnownStatus,
    outcome,
    statusOf: (e) => e?.status,
    isDone: (e) => e !== undefined && (outcome(e) ?? 'pending') !== 'pending',
    failure: (e) => (e && outcome(e) === 'failed' ? new ExecutionFailedError(e) : undefined),
  };
}

// Pure: a bundle that never waits for a block leaves the block table out.
export const actionReading = /* @__PURE__ */ reading<ActionExecution>(actionExecutionStatusValues, actionOutcomes);
export const blockReading = /* @__PURE__ */ reading<BlockExecution>(blockExecutionStatusValues, blockOutcomes);
