import type { CliIo } from '../io.js';
import { type ActionRunOptions, actionHistory, actionLast, actionRun } from './action.js';
import { type BlockRunOptions, blockResults, blockRun, blockWait } from './block.js';
import { commandContext, type GlobalOptions, type RunState } from './context.js';
import { executionDownload, executionShow, executionWait } from './execution.js';

type Timeout = { timeout?: number };

/** Every command, as the program calls it: global options first, then its own arguments. */
export interface Commands {
  actionRun(globals: GlobalOptions, actionId: string, options: ActionRunOptions): Promise<void>;
  actionHistory(globals: GlobalOptions, actionId: string): Promise<void>;
  actionLast(globals: GlobalOptions, actionId: string): Promise<void>;
  executionShow(globals: GlobalOptions, executionId: string): Promise<void>;
  executionWait(globals: GlobalOptions, executionId: string, options: Timeout): Promise<void>;
  executionDownload(
    globals: GlobalOptions,
    executionId: string,
    options: { output?: string; overwrite?: boolean },
  ): Promise<void>;
  blockRun(globals: GlobalOptions, blockId: string, options: BlockRunOptions): Promise<void>;
  blockWait(globals: GlobalOptions, blockId: string, executionId: string, options: Timeout): Promise<void>;
  blockResults(globals: GlobalOptions, blockId: string): Promise<void>;
}

/** Binds each command to a context built from the global options (settings, client, output). */
export function createCommands(io: CliIo, state: RunState, signal: AbortSignal): Commands {
  const ctx = (globals: GlobalOptions) => commandContext(io, state, globals, signal);
  return {
    actionRun: (globals, actionId, options) => actionRun(ctx(globals), actionId, options),
    actionHistory: (globals, actionId) => actionHistory(ctx(globals), actionId),
    actionLast: (globals, actionId) => actionLast(ctx(globals), actionId),
    executionShow: (globals, executionId) => executionShow(ctx(globals), executionId),
    executionWait: (globals, executionId, options) => executionWait(ctx(globals), executionId, options),
    executionDownload: (globals, executionId, options) => executionDownload(ctx(globals), executionId, options),
    blockRun: (globals, blockId, options) => blockRun(ctx(globals), blockId, options),
    blockWait: (globals, blockId, executionId, options) => blockWait(ctx(globals), blockId, executionId, options),
    blockResults: (globals, blockId) => blockResults(ctx(globals), blockId),
  };
}
