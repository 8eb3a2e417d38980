import { mkdir, stat } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { UsageError } from './errors.js';

/** Where a package goes: into a folder under the server's file name, or to an exact file. */
export type DownloadTarget = { directory: string } | { path: string };

/**
 * Reads `--download [path]` / `--output <path>` and prepares it before anything is
 * executed, so a wait of many minutes never ends in "file exists". A path ending in a
 * separator, or naming an existing folder, is a folder (created if missing); anything
 * else is the file to write (its folder created if missing).
 */
export async function prepareDownloadTarget(
  cwd: string,
  value: string | true | undefined,
  overwrite: boolean,
  option: string,
): Promise<DownloadTarget> {
  if (value === undefined || value === true) {
    return { directory: cwd };
  }
  if (value.trim() === '') {
    throw new UsageError(option, `${option} needs a path (or leave the value out for the current directory).`);
  }
  const target = resolve(cwd, value);
  const info = await stat(target).catch(() => undefined);
  if (info?.isDirectory() || /[\\/]$/.test(value)) {
    await mkdir(target, { recursive: true });
    return { directory: target };
  }
  if (info && !overwrite) {
    throw new UsageError(option, `${target} already exists; pass --overwrite to replace it.`);
  }
  const parent = dirname(target);
  await mkdir(parent, { recursive: true }).catch((cause: NodeJS.ErrnoException) => {
    throw new UsageError(option, `Cannot create the folder ${parent}${sep}: ${cause.code ?? cause.message}.`);
  });
  return { path: target };
}
