// The public surface, pinned: a change to what the package exports shows up here in review.
import { describe, expect, it } from 'vitest';
import * as main from './index.js';
import * as node from './node.js';

describe('public API', () => {
  it('exports exactly these values from @mindzie/poller', () => {
    expect(Object.keys(main).sort()).toEqual([
      'ExecuteAnswerLostError',
      'ExecuteOutcomeUnknownError',
      'ExecutionFailedError',
      'ExecutionNotCreatedError',
      'TokenRefusedError',
      'UnsupportedError',
      'WaitTimeoutError',
      'checkWaitOptions',
      'createLimiter',
      'inProcessCoordinator',
      'nextStepOf',
      'pollUntil',
      'reconcileDefaults',
      'resumeWait',
      'runAction',
      'runBlock',
      'startAction',
      'startBlock',
      'waitDefaults',
      'waitForActionExecution',
      'waitForBlockExecution',
      'watchActionExecution',
      'watchBlockExecution',
    ]);
  });

  it('exports exactly runAction (with download to a file) from @mindzie/poller/node', () => {
    expect(Object.keys(node)).toEqual(['runAction']);
  });

  it('documents its defaults as the README states them', () => {
    expect(main.waitDefaults).toEqual({
      initialDelayMs: 1_000,
      factor: 1.2,
      maxDelayMs: 30_000,
      jitter: 'equal',
      timeoutMs: 1_800_000,
      maxConsecutiveFailures: 8,
      requestTimeoutMs: 10_000,
    });
  });
});
