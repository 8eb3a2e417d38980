// @mindzie/poller: the whole public surface. Saving a package to a file: '@mindzie/poller/node'.

export type { CheckContext } from './check-context.js';
export type { Coordinator, FleetMember, FleetPoll, PriorStore } from './coordinator.js';
export { inProcessCoordinator } from './coordinator.js';
export type { UnknownBecause } from './errors.js';
export {
  ExecuteAnswerLostError,
  ExecuteOutcomeUnknownError,
  ExecutionFailedError,
  ExecutionNotCreatedError,
  TokenRefusedError,
  UnsupportedError,
  WaitTimeoutError,
} from './errors.js';
export type { Limiter, LimiterOptions } from './limiter.js';
export { createLimiter } from './limiter.js';
export type { NextStep } from './next-step.js';
export { nextStepOf } from './next-step.js';
export type { PollEvent, WaitOptions } from './options.js';
export { checkWaitOptions, defaults as waitDefaults } from './options.js';
export type { PollUntilOptions } from './poll-until.js';
export { pollUntil } from './poll-until.js';
export type { DurationPrior } from './prior.js';
export type { ReconcileOptions } from './reconcile.js';
export { reconcileDefaults } from './reconcile.js';
export type { RunActionOptions, RunActionResult } from './run-action.js';
export { runAction } from './run-action.js';
export type { RunBlockOptions, RunBlockResult } from './run-block.js';
export { runBlock } from './run-block.js';
export type { JitterMode, ScheduleOptions } from './schedule.js';
export type { StartActionOptions, StartedAction } from './start-action.js';
export { startAction } from './start-action.js';
export type { StartBlockOptions, StartedBlock } from './start-block.js';
export { startBlock } from './start-block.js';
export type { ExecutionWaitOptions } from './waits.js';
export {
  resumeWait,
  waitForActionExecution,
  waitForBlockExecution,
  watchActionExecution,
  watchBlockExecution,
} from './waits.js';
