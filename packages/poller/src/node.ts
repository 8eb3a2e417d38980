// @mindzie/poller/node: runAction that also saves the package to a file (Node only).
import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { MindzieClient } from '@mindzie/client';
import { InvalidArgumentError } from '@mindzie/client';
import { type DownloadedFile, type DownloadToFileOptions, downloadPackageToFile } from '@mindzie/client/node';
import { type RunActionOptions, type RunActionResult, runActionWith } from './run-action.js';

export interface RunActionToFileOptions extends RunActionOptions {
  /** Save the package of a `Completed` execution: into `directory` under the server's name, or to `path`. */
  download?: Pick<DownloadToFileOptions, 'directory' | 'path' | 'overwrite' | 'onProgress'>;
}

export interface RunActionToFileResult extends RunActionResult {
  /** The saved package, when `download` was asked for and the execution completed. */
  file?: DownloadedFile;
}

/**
 * Executes the action once, waits for it, and saves its package, all under one deadline
 * and one signal. The download target is checked before anything is sent, so a job is
 * never run only to find its folder missing.
 */
export async function runAction(
  client: MindzieClient,
  actionId: string,
  options: RunActionToFileOptions = {},
): Promise<RunActionToFileResult> {
  const { download, ...rest } = options;
  if (download !== undefined) {
    await checkTarget(download);
  }
  return runActionWith(
    client,
    actionId,
    rest,
    download &&
      ((execution, signal) => downloadPackageToFile(client, execution.actionExecutionId, { ...download, signal })),
  );
}

async function checkTarget(download: NonNullable<RunActionToFileOptions['download']>): Promise<void> {
  if (download === null || typeof download !== 'object') {
    throw new InvalidArgumentError('download', 'download must be an object such as { directory: "out" }');
  }
  const { path, directory, overwrite } = download;
  if (path !== undefined && directory !== undefined) {
    throw new InvalidArgumentError('path', 'pass either path or directory, not both');
  }
  for (const [name, value] of [
    ['path', path],
    ['directory', directory],
  ] as const) {
    if (value !== undefined && (typeof value !== 'string' || value === '')) {
      throw new InvalidArgumentError(name, `${name} must be a non-empty string`);
    }
  }
  const folder = path === undefined ? (directory ?? '.') : dirname(path);
  const info = await stat(folder).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new InvalidArgumentError(path === undefined ? 'directory' : 'path', `${folder} is not an existing directory`);
  }
  if (path !== undefined && !overwrite && (await stat(path).catch(() => undefined))) {
    throw new InvalidArgumentError('path', `${path} exists already (pass overwrite: true to replace it)`);
  }
}
