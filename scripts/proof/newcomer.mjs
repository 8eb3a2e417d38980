// The newcomer's path, from the root README alone: an empty project (`npm init -y`, then
// `"type": "module"`), `npm install @mindzie/client @mindzie/poller` from the registry, the
// README's first example extracted from the README (never a copy kept here) and run as written
// with the MINDZIE_* variables that `npx @mindzie/sandbox` prints, as the README says to try it;
// the ZIP must be under the folder the example names, which the SDK creates. Then the sandbox
// installs into it on this Node with no engine warning, as the README claims Node 20+.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { codeBlocksOf } from '../../examples/src/readme-blocks.mjs';
import { check, run } from './steps.mjs';

/**
 * @param {{ root: string, folder: string, registryUrl: string, npmEnv: NodeJS.ProcessEnv, npxCache: string }} options
 * @returns {Promise<{ zip: string, directory: string }>}
 */
export async function runNewcomer({ root, folder, registryUrl, npmEnv, npxCache }) {
  const example = codeBlocksOf('README.md', readFileSync(join(root, 'README.md'), 'utf8')).find(
    (block) => block.kind === 'js' || block.kind === 'ts',
  );
  check(example, 'the root README has no JavaScript example');
  const directory = /directory: '([^']+)'/.exec(example.text)?.[1];
  check(directory, `the README's first example names no download directory:\n${example.text}`);

  mkdirSync(folder);
  await run('npm', ['init', '-y'], { cwd: folder, env: npmEnv });
  const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8'));
  writeFileSync(join(folder, 'package.json'), JSON.stringify({ ...manifest, type: 'module' }, null, 2));
  writeFileSync(join(folder, '.npmrc'), `@mindzie:registry=${registryUrl}\n`);
  await run('npm', ['install', '--no-audit', '--no-fund', '@mindzie/client', '@mindzie/poller'], {
    cwd: folder,
    env: npmEnv,
  });
  check(!existsSync(join(folder, directory)), `${directory} exists before the example ran`);
  writeFileSync(join(folder, 'run.js'), example.text);
  const sandbox = npxSandbox({ cwd: folder, env: { ...npmEnv, npm_config_cache: npxCache } });
  let stdout;
  try {
    const env = { ...process.env, ...(await sandbox.exports) };
    ({ stdout } = await run(process.execPath, ['run.js'], { cwd: folder, env }));
  } finally {
    sandbox.stop();
  }
  const files = readdirSync(join(folder, directory));
  const zip = files.find((name) => name.endsWith('.zip'));
  check(
    zip &&
      readFileSync(join(folder, directory, zip))
        .subarray(0, 2)
        .toString() === 'PK',
    `no ZIP in ${directory} after the README's example (it printed ${stdout.trim()}; found ${files})`,
  );
  check(stdout.includes(`Completed: saved ${join(folder, directory, zip)}`), `the example printed ${stdout}`);

  const sandboxInstall = await run('npm', ['install', '--no-audit', '--no-fund', '--save-dev', '@mindzie/sandbox'], {
    cwd: folder,
    env: npmEnv,
  });
  const output = sandboxInstall.stdout + sandboxInstall.stderr;
  check(!/EBADENGINE|Unsupported engine/i.test(output), `installing @mindzie/sandbox warned:\n${output}`);
  return { zip, directory };
}

/**
 * `npx @mindzie/sandbox`, exactly as the README says, in its own process group (npx runs the bin
 * in a child). Its npm cache is the caller's fresh folder: every proof publishes the same version,
 * and npx would run an earlier proof's copy from a shared cache. `exports` resolves with the four
 * `export MINDZIE_…=…` lines it prints for the reader to paste.
 * @param {{ cwd: string, env: NodeJS.ProcessEnv }} options
 */
function npxSandbox({ cwd, env }) {
  const child = spawn('npx', ['@mindzie/sandbox'], { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  /** @type {Promise<Record<string, string>>} */
  const exports = new Promise((resolve, reject) => {
    /** @type {Record<string, string>} */
    const found = {};
    const timer = setTimeout(
      () => reject(new Error(`npx @mindzie/sandbox printed no exports in 3 min:\n${stderr}`)),
      180_000,
    );
    createInterface({ input: /** @type {import('node:stream').Readable} */ (child.stdout) }).on('line', (line) => {
      const match = /^export (MINDZIE_[A-Z_]+)=(\S+)$/.exec(line);
      if (match?.[1] && match[2]) {
        found[match[1]] = match[2];
      }
      if (Object.keys(found).length === 4) {
        clearTimeout(timer);
        resolve(found);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`npx @mindzie/sandbox exited (${code}) before printing four export lines:\n${stderr}`));
    });
  });
  const stop = () => {
    try {
      process.kill(-(child.pid ?? 0), 'SIGTERM');
    } catch {
      // already gone
    }
  };
  return { exports, stop };
}
