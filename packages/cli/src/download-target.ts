import { mkdir, stat } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { UsageError } from './errors.js';

/** Where a package goes: into a folder under the server's file name (`<executionId>.zip`), or to an exact file. */
export type DownloadTarget = { directory: string } | { path: string };

/**
 * `action run --download [DIR]`: always a folder (default: the current one), created now like `mkdir -p`, before
 * anything is executed. A value that looks like a file (`out.zip`, or an existing file) is refused with a pointer
 * to `--output`: before, `--download out.zip` wrote that file, and a script relying on it must not silently get a
 * folder named `out.zip` instead.
 */
export async function prepareDownloadFolder(cwd: string, value: string | true | undefined): Promise<DownloadTarget> {
  if (value === undefined || value === true) {
    return { directory: cwd };
  }
  const option = '--download';
  if (value.trim() === '') {
    throw new UsageError(option, `${option} needs a folder (or leave the value out for the current directory).`);
  }
  const target = resolve(cwd, value);
  const info = await stat(target).catch(() => undefined);
  if (info ? !info.isDirectory() : /\.zip$/i.test(value)) {
    throw new UsageError(
      option,
      `${option} takes a folder (the package is saved in it as <executionId>.zip); ` +
        `to save to one file, use --output ${value}`,
    );
  }
  await makeFolder(target, option);
  return { directory: target };
}

/**
 * `--output PATH`: the file to write (its folder created if missing); a path ending in a separator, or naming an
 * existing folder, is a folder as with `--download`. Checked before anything is executed, so a wait of many
 * minutes never ends in "file exists".
 */
export async function prepareDownloadTarget(
  cwd: string,
  value: string | undefined,
  overwrite: boolean,
  option: string,
): Promise<DownloadTarget> {
  if (value === undefined) {
    return { directory: cwd };
  }
  if (value.trim() === '') {
    throw new UsageError(option, `${option} needs a path.`);
  }
  const target = resolve(cwd, value);
  const info = await stat(target).catch(() => undefined);
  if (info?.isDirectory() || /[\\/]$/.test(value)) {
    await makeFolder(target, option);
    return { directory: target };
  }
  if (info && !overwrite) {
    throw new UsageError(option, `${target} already exists; pass --overwrite to replace it.`);
  }
  await makeFolder(dirname(target), option);
  return { path: target };
}

async function makeFolder(folder: string, option: string): Promise<void> {
  await mkdir(folder, { recursive: true }).catch((cause: NodeJS.ErrnoException) => {
    throw new UsageError(option, `Cannot create the folder ${folder}${sep}: ${cause.code ?? cause.message}.`);
  });
}
