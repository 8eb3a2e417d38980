// Every type here is an alias of the generated contract: nothing restates the spec.
import type { components } from './generated/openapi.js';

type Schemas = components['schemas'];

/** One execution of an action (`GET …/actionexecution/{executionId}`). */
export type ActionExecution = Schemas['ActionExecution'];
/** `Queued` · `Running` · `Completed` · `Failed` (the last two are terminal). */
export type ActionExecutionStatus = Schemas['ActionExecutionStatus'];
/** One execution of a block (`POST …/block/{blockId}/execute` answers one). */
export type BlockExecution = Schemas['BlockExecution'];
/** `Queued` · `Running` · `Success` · `Failed` · `Cancelled` (the last three are terminal). */
export type BlockExecutionStatus = Schemas['BlockExecutionStatus'];
/** A block's executions (`GET …/block/{blockId}/results`). */
export type BlockResults = Schemas['BlockResults'];
/** The optional body of execute-block: run-time `parameters`. */
export type BlockExecuteRequest = Schemas['BlockExecuteRequest'];
