import { basename } from 'node:path';
import type { ActionExecution } from '@mindzie/client';
import { type DownloadedFile, downloadPackageToFile } from '@mindzie/client/node';
import { waitForActionExecution } from '@mindzie/poller';
import { type DownloadTarget, prepareDownloadTarget } from '../download-target.js';
import { formatBytes } from '../format.js';
import { createDownloadBar } from '../render/download-bar.js';
import { actionExecutionDetails, actionExecutionSummary } from '../render/tables.js';
import type { CommandContext } from './context.js';
import { interruptedOr, waitWithStatus } from './wait.js';

export async function executionShow(ctx: CommandContext, executionId: string): Promise<void> {
  const execution = await ctx.client.getActionExecution(executionId, { signal: ctx.signal }).catch((error: unknown) => {
    throw interruptedOr(ctx, error);
  });
  ctx.output.result({ execution }, () => actionExecutionDetails(execution, ctx.output.color, ctx.output.width));
}

/** Follows an execution that already exists: what to run after a Ctrl-C or a `--timeout`. */
export async function executionWait(
  ctx: CommandContext,
  executionId: string,
  options: { timeout?: number },
): Promise<void> {
  Object.assign(ctx.state, { executionId, resume: `mindzie execution wait ${executionId}` });
  const current = await ctx.client.getActionExecution(executionId, { signal: ctx.signal }).catch((error: unknown) => {
    throw interruptedOr(ctx, error);
  });
  const execution = await waitWithStatus<ActionExecution>(
    ctx,
    `execution ${executionId}`,
    current.status,
    options.timeout,
    (hooks) => waitForActionExecution(ctx.client, executionId, hooks),
  );
  ctx.output.result({ execution }, () => actionExecutionSummary(execution, ctx.output.color));
}

export async function executionDownload(
  ctx: CommandContext,
  executionId: string,
  options: { output?: string; overwrite?: boolean },
): Promise<void> {
  const target = await prepareDownloadTarget(ctx.cwd, options.output, Boolean(options.overwrite), '--output');
  Object.assign(ctx.state, { executionId, resume: `mindzie execution download ${executionId}` });
  const saved = await savePackage(ctx, executionId, target, Boolean(options.overwrite));
  ctx.output.result(
    { executionId, package: saved },
    () => `Package saved to ${saved.path} (${formatBytes(saved.bytes)})`,
  );
}

/** Downloads behind the progress bar; the client writes atomically, so a failure leaves no file. */
export async function savePackage(
  ctx: CommandContext,
  executionId: string,
  target: DownloadTarget,
  overwrite: boolean,
): Promise<DownloadedFile> {
  // The file's name only: the bar stays one line; where it went is said once it is saved.
  const label = 'path' in target ? basename(target.path) : `${executionId}.zip`;
  const bar = createDownloadBar(ctx.output, label);
  try {
    return await downloadPackageToFile(ctx.client, executionId, {
      ...target,
      overwrite,
      signal: ctx.signal,
      onProgress: (bytes, total) => bar.onProgress(bytes, total),
    });
  } catch (error) {
    throw interruptedOr(ctx, error);
  } finally {
    bar.stop();
  }
}
