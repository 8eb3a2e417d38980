// What an execution looks like at a given moment, in the spec's shapes. Statuses are read
// off the timeline; messages are the spec's own example strings where it has them.
import { isoDate, phaseAt } from './clock.ts';
import type { components } from './generated/openapi.ts';
import { exampleValue } from './spec.ts';
import type { ActionExecutionRecord, BlockExecutionRecord } from './state.ts';

type Schemas = components['schemas'];
export type ActionExecution = Schemas['ActionExecution'];
export type BlockExecution = Schemas['BlockExecution'];
type BlockStatus = Schemas['BlockExecutionStatus'];

export function actionExecutionView(record: ActionExecutionRecord, now: number): ActionExecution {
  const { action, timeline } = record;
  const phase = phaseAt(timeline, now);
  const ended = phase === 'ended';
  return {
    actionId: action.actionId.toLowerCase(),
    actionExecutionId: record.actionExecutionId,
    dateStarted: isoDate(timeline.queuedAt),
    dateEnded: ended ? isoDate(timeline.endsAt) : null,
    status: ended ? (action.outcome === 'Failed' ? 'Failed' : 'Completed') : phase === 'queued' ? 'Queued' : 'Running',
    notes: ended ? (action.notes ?? null) : null,
  };
}

/** The spec's example messages per block status; the two it has no example for are ours. */
const blockMessages: Record<BlockStatus, string> = {
  Queued: exampleValue<BlockExecution>('BlockExecutionQueued').message,
  Running: 'Block execution is running',
  Success: exampleMessage('Success'),
  Failed: exampleMessage('Failed'),
  Cancelled: 'Block execution was cancelled',
};

function exampleMessage(status: BlockStatus): string {
  const example = exampleValue<Schemas['BlockResults']>('BlockResultsWithExecutions');
  const execution = example.executions.find((candidate) => candidate.status === status);
  if (!execution) {
    throw new Error(`The spec's BlockResultsWithExecutions example has no ${status} execution`);
  }
  return execution.message;
}

export function blockExecutionView(record: BlockExecutionRecord, now: number): BlockExecution {
  const { block, timeline, parameters } = record;
  const phase = phaseAt(timeline, now);
  const ended = phase === 'ended';
  const status: BlockStatus = ended ? block.outcome : phase === 'queued' ? 'Queued' : 'Running';
  const succeeded = status === 'Success';
  return {
    blockId: block.blockId.toLowerCase(),
    executionId: record.executionId,
    status,
    dateQueued: isoDate(timeline.queuedAt),
    dateStarted: phase === 'queued' ? null : isoDate(timeline.startsAt),
    dateEnded: ended ? isoDate(timeline.endsAt) : null,
    // The run-time parameters are echoed in the result so callers can see they arrived.
    result: succeeded ? { ...(block.result ?? {}), ...(parameters ? { parameters } : {}) } : null,
    errorMessage: status === 'Failed' ? (block.errorMessage ?? null) : null,
    message: blockMessages[status],
  };
}
