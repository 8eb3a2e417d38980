// @mindzie/poller: the whole public surface. Saving a package to a file: '@mindzie/poller/node'.
export { waitForActionExecution, waitForBlockExecution, watchActionExecution, watchBlockExecution, resumeWait } from './waits.js';
export type { ExecutionWaitOptions } from './waits.js';
export { runAction } from './run-action.js';
export type { RunActionOptions, RunActionResult } from './run-action.js';
export { pollUntil } from './poll-until.js';
export type { PollUntilOptions } from './poll-until.js';
export type { CheckContext } from './stream.js';
export { checkWaitOptions, defaults as waitDefaults } from './options.js';
export type { WaitOptions, PollEvent } from './options.js';
export type { JitterMode, ScheduleOptions } from './schedule.js';
export { createLimiter } from './limiter.js';
export type { Limiter, LimiterOptions } from './limiter.js';
export { inProcessCoordinator } from './coordinator.js';
export type { Coordinator, FleetMember, FleetPoll } from './coordinator.js';
export { ExecutionFailedError, WaitTimeoutError, UnsupportedError } from './errors.js';
