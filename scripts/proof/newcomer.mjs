// The newcomer's path, from the root README alone: an empty project (`npm init -y`, then
// `"type": "module"`), `npm install @mindzie/client @mindzie/poller` from the registry, the
// README's first example extracted from the README (never a copy kept here) and run as written
// with the MINDZIE_* variables of the published sandbox; the ZIP must be under the folder the
// example names, which the SDK creates. Then the sandbox installs into it on this Node with no
// engine warning, as the README claims Node 20+.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { codeBlocksOf } from '../../examples/src/readme-blocks.mjs';
import { check, run } from './steps.mjs';

/**
 * @param {{ root: string, folder: string, registryUrl: string, npmEnv: NodeJS.ProcessEnv,
 *   sandbox: { baseUrl: string, token: string, tenantId: string, projectId: string } }} options
 * @returns {Promise<{ zip: string, directory: string }>}
 */
export async function runNewcomer({ root, folder, registryUrl, npmEnv, sandbox }) {
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
  const env = {
    ...process.env,
    MINDZIE_BASE_URL: sandbox.baseUrl,
    MINDZIE_TOKEN: sandbox.token,
    MINDZIE_TENANT_ID: sandbox.tenantId,
    MINDZIE_PROJECT_ID: sandbox.projectId,
  };
  const { stdout } = await run(process.execPath, ['run.js'], { cwd: folder, env });
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
