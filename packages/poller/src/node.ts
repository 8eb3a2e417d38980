// @mindzie/poller/node: runAction that also saves the package to a file (Node only).
import { mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { MindzieClient } from '@mindzie/client';
import { InvalidArgumentError } from '@mindzie/client';
import { type DownloadedFile, type DownloadToFileOptions, downloadPackageToFile } from '@mindzie/client/node';
import { type RunActionOptions, type RunActionResult, runActionWith } from './run-action.js';

/** Where to save the package: into `directory` (created if missing) under the server's name, or to `path`. */
export type DownloadTarget = Pick<DownloadToFileOptions, 'directory' | 'path' | 'overwrite' | 'onProgress'>;

export interface RunActionToFileOptions extends RunActionOptions {
  /** Save the package of a `Completed` execution: into `directory` under the server's name, or to `path`. */
  download?: DownloadTarget;
}

export interface RunActionToFileResult extends RunActionResult {
  /** The saved package, when `download` was asked for and the execution completed. */
  file?: DownloadedFile;
}

/** The result of a run with `download` that resolves only on `Completed`: the file is always there. */
export interface RunActionSavedResult extends RunActionResult {
  /** The saved package. */
  file: DownloadedFile;
}

/**
 * Executes the action once, waits for it, and saves its package, all under one deadline
 * and one signal. The download folder is created (as `mkdir -p`) and the target checked
 * before anything is sent, so a job is never run only to find it cannot save the result.
 */
export function runAction(
  client: MindzieClient,
  actionId: string,
  options: RunActionToFileOptions & { download: DownloadTarget; returnFailed?: false },
): Promise<RunActionSavedResult>;
export function runAction(
  client: MindzieClient,
  actionId: string,
  options?: RunActionToFileOptions,
): Promise<RunActionToFileResult>;
export async function runAction(
  client: MindzieClient,
  actionId: string,
  options: RunActionToFileOptions = {},
): Promise<RunActionToFileResult> {
  const { download, ...rest } = options;
  if (download !== undefined) {
    await prepareTarget(download);
  }
  return runActionWith(
    client,
    actionId,
    rest,
    download &&
      ((execution, signal) => downloadPackageToFile(client, execution.actionExecutionId, { ...download, signal })),
  );
}

/** Checks the target and creates its folder (with its parents), as the CLI's `--download DIR` does. */
async function prepareTarget(download: DownloadTarget): Promise<void> {
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
  const argument = path === undefined ? 'directory' : 'path';
  const folder = path === undefined ? (directory ?? '.') : dirname(path);
  // mkdir -p: nothing when the folder exists; EEXIST or ENOTDIR when a file stands in the way.
  const failed = await mkdir(folder, { recursive: true }).then(
    () => '',
    (error: NodeJS.ErrnoException) => ` (${error.code ?? error.message})`,
  );
  const info = await stat(folder).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new InvalidArgumentError(argument, `${folder} is not a directory and cannot be created${failed}`);
  }
  if (path !== undefined && !overwrite && (await stat(path).catch(() => undefined))) {
    throw new InvalidArgumentError('path', `${path} already exists; pass overwrite: true to replace it`);
  }
}
