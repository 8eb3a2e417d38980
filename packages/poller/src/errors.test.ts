import type { ActionExecution, BlockExecution } from '@mindzie/client';
import { MindzieError, NetworkError, TimeoutError } from '@mindzie/client';
import { describe, expect, it } from 'vitest';
import { ExecutionFailedError, UnsupportedError, WaitTimeoutError } from './errors.js';

const failedAction: ActionExecution = {
  actionId: 'a0000000-0000-4000-8000-000000000001',
  actionExecutionId: 'e0000000-0000-4000-8000-000000000001',
  dateStarted: '2024-01-15T10:30:00Z',
  dateEnded: '2024-01-15T10:31:00Z',
  status: 'Failed',
  notes: 'Data source connection failed',
};
const cancelledBlock: BlockExecution = {
  blockId: 'b0000000-0000-4000-8000-000000000001',
  executionId: 'e0000000-0000-4000-8000-000000000002',
  status: 'Cancelled',
  dateQueued: '2024-01-15T10:30:00Z',
  dateStarted: null,
  dateEnded: '2024-01-15T10:30:01Z',
  result: null,
  errorMessage: null,
  message: 'Block execution cancelled',
};

describe('the poller errors extend the SDK hierarchy', () => {
  it('ExecutionFailedError carries the execution and its notes', () => {
    const error = new ExecutionFailedError(failedAction);
    expect(error).toBeInstanceOf(MindzieError);
    expect(error.name).toBe('ExecutionFailedError');
    expect(error.execution).toBe(failedAction);
    expect(error.reason).toBe('Data source connection failed');
    expect(error.message).toBe(
      'Execution e0000000-0000-4000-8000-000000000001 ended Failed: Data source connection failed',
    );
  });

  it('ExecutionFailedError reads a block errorMessage, and says so when there is none', () => {
    const error = new ExecutionFailedError(cancelledBlock);
    expect(error.reason).toBeNull();
    expect(error.message).toBe('Execution e0000000-0000-4000-8000-000000000002 ended Cancelled');
    expect(new ExecutionFailedError({ ...cancelledBlock, status: 'Failed', errorMessage: 'bad column' }).reason).toBe(
      'bad column',
    );
  });

  it('WaitTimeoutError is a client TimeoutError carrying the last execution seen', () => {
    const error = new WaitTimeoutError(60_000, { ...failedAction, status: 'Running' as const });
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.name).toBe('WaitTimeoutError');
    expect(error.lastSeen?.status).toBe('Running');
    expect(error.message).toBe('No terminal status within 60000 ms (last status: Running)');
    expect(new WaitTimeoutError(5, undefined).message).toBe('No terminal status within 5 ms');
  });

  it('UnsupportedError is a MindzieError', () => {
    const error = new UnsupportedError('no block history');
    expect(error).toBeInstanceOf(MindzieError);
    expect(error.name).toBe('UnsupportedError');
  });
});
