import { join } from 'node:path';
import type { ActionExecution } from '@mindzie/client';
import {
  checkWaitOptions,
  ExecuteAnswerLostError,
  ExecuteOutcomeUnknownError,
  reconcileDefaults,
  startAction,
  UnsupportedError,
  waitForActionExecution,
} from '@mindzie/poller';
import { type DownloadTarget, prepareDownloadFolder, prepareDownloadTarget } from '../download-target.js';
import { InterruptedError, UsageError } from '../errors.js';
import { formatBytes } from '../format.js';
import { actionExecutionDetails, actionExecutionSummary, executionsTable } from '../render/tables.js';
import type { CommandContext } from './context.js';
import { announceExecution, executionIdIn, noteRefusedStart } from './execute-answer.js';
import { savePackage } from './execution.js';
import { interruptedOr, waitWithStatus } from './wait.js';

export interface ActionRunOptions {
  wait?: boolean;
  timeout?: number;
  /** A folder (default: the current one); the package is saved in it as `<executionId>.zip`. */
  download?: string | true;
  /** One file to save the package to. */
  output?: string;
  overwrite?: boolean;
  /** `--no-reconcile` sets it false. */
  reconcile?: boolean;
  reconcileWindow?: number;
}

/**
 * Executes the action exactly once. Execute is not idempotent, so it is neither retried
 * nor aborted half-way: after Ctrl-C during the request the CLI still reads the answer
 * and names the new execution before it stops. When the answer is lost, the execution it
 * may have created is looked for in the action's history and, if it is the only new one,
 * followed (the poller's startAction).
 */
export async function actionRun(ctx: CommandContext, actionId: string, options: ActionRunOptions): Promise<void> {
  const { output, client, state } = ctx;
  const target = await downloadTarget(ctx.cwd, options);
  const waits = options.wait || target !== undefined;
  // A wait's bad option is refused now, before execute: exit 2 then means nothing was sent.
  if (waits) {
    checkWaitOptions({ timeoutMs: options.timeout });
  }
  // Ctrl-C before execute went out (say, while the download folder was made): nothing runs.
  if (ctx.signal.aborted) {
    throw new InterruptedError(undefined, undefined);
  }
  const checkFirst =
    'The execute request may have reached the server: ' +
    `check with mindzie action last ${actionId} before running it again.`;
  const reconcile =
    options.reconcile === false ? false : { windowMs: options.reconcileWindow ?? reconcileDefaults.windowMs };
  // Execute is sent once; a lost answer is looked for in the action's history (the poller's startAction).
  const started = await startAction(client, actionId, { signal: ctx.signal, reconcile }).catch((error: unknown) => {
    if (error instanceof ExecuteAnswerLostError) {
      state.hint = nextStepAfterLostAnswer(error);
    } else if (error instanceof UnsupportedError) {
      state.hint = checkFirst;
    }
    noteRefusedStart(error, state);
    throw interruptedOr(ctx, error);
  });
  const queued = started.execution;
  const executionId = executionIdIn(queued, 'actionExecutionId', state, checkFirst);
  Object.assign(state, { executionId, execution: queued, resume: `mindzie execution wait ${executionId}` });
  announceExecution(ctx, started, executionId, { kind: 'action', id: actionId, searched: "the action's history" });
  if (ctx.signal.aborted) {
    throw new InterruptedError(executionId, state.resume);
  }

  if (!waits) {
    output.result({ execution: queued, ...state.adopted }, () => {
      const details = actionExecutionDetails(queued, output.color, output.width);
      return `${details}\nFollow it with: mindzie execution wait ${executionId}`;
    });
    return;
  }
  const execution = await waitWithStatus<ActionExecution>(
    ctx,
    `execution ${executionId}`,
    queued.status,
    options.timeout,
    (hooks) => waitForActionExecution(client, executionId, hooks),
  );
  if (target === undefined) {
    output.result({ execution, ...state.adopted }, () => actionExecutionSummary(execution, output.color));
    return;
  }
  state.resume = `mindzie execution download ${executionId}`;
  // In a --download folder the file is named by the execution, whatever name the server suggests: two runs, two files.
  const file = 'directory' in target ? { path: join(target.directory, `${executionId}.zip`) } : target;
  const saved = await savePackage(ctx, executionId, file, Boolean(options.overwrite));
  output.result(
    { execution, package: saved, ...state.adopted },
    () =>
      `${actionExecutionSummary(execution, output.color)}\n` +
      `Package saved to ${saved.path} (${formatBytes(saved.bytes)})`,
  );
}

/** `--download DIR` or `--output FILE` (not both), prepared before execute; none when neither was given. */
async function downloadTarget(cwd: string, options: ActionRunOptions): Promise<DownloadTarget | undefined> {
  if (options.download !== undefined && options.output !== undefined) {
    throw new UsageError('--output', 'Pass either --download DIR (a folder) or --output FILE, not both.');
  }
  if (options.output !== undefined) {
    return prepareDownloadTarget(cwd, options.output, Boolean(options.overwrite), '--output');
  }
  return options.download === undefined ? undefined : prepareDownloadFolder(cwd, options.download);
}

/** What to do after a lost execute answer (an action's or a block's), as commands. */
export function nextStepAfterLostAnswer(error: ExecuteAnswerLostError): string {
  const isBlock = error.kind === 'block';
  const check = isBlock ? `mindzie block results ${error.blockId}` : `mindzie action history ${error.actionId}`;
  if (error.safeToRunAgain) {
    return `It is reasonable to run it again. To be sure first: ${check}`;
  }
  if (error instanceof ExecuteOutcomeUnknownError && error.why === 'history-unsupported') {
    return (
      "Do not run it again before checking the block's executions in mindzieStudio: " +
      'this server keeps no block history.'
    );
  }
  const follow = isBlock ? `mindzie block wait ${error.blockId} <executionId>` : 'mindzie execution wait <executionId>';
  return `Do not run it again before checking: ${check} — if one of the executions is yours, follow it with: ${follow}`;
}

/** The action's executions as the server lists them (newest first); `--limit` keeps the first n (`total`: all). */
export async function actionHistory(ctx: CommandContext, actionId: string, options: { limit?: number }): Promise<void> {
  const all = await ctx.client.listActionExecutions(actionId, { signal: ctx.signal }).catch((error: unknown) => {
    throw interruptedOr(ctx, error);
  });
  const items = options.limit === undefined ? all : all.slice(0, options.limit);
  const document = options.limit === undefined ? { actionId, items } : { actionId, items, total: all.length };
  ctx.output.result(document, () => {
    const more =
      items.length < all.length ? `\n${ctx.output.color.dim(`${all.length - items.length} older not shown`)}` : '';
    return executionsTable(items, ctx.output.color, ctx.output.width) + more;
  });
}

export async function actionLast(ctx: CommandContext, actionId: string): Promise<void> {
  const execution: ActionExecution | null = await ctx.client
    .getLastActionExecution(actionId, { signal: ctx.signal })
    .catch((error: unknown) => {
      throw interruptedOr(ctx, error);
    });
  ctx.output.result({ actionId, execution }, () =>
    execution === null
      ? ctx.output.color.dim(`Action ${actionId} has no executions yet.`)
      : actionExecutionDetails(execution, ctx.output.color, ctx.output.width),
  );
}
