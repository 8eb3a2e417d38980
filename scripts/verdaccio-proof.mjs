#!/usr/bin/env node
// Proves the publish end to end with a real registry, as .github/workflows/release.yml does
// it: in a temporary copy of the working tree, `changeset version`, then `pnpm run release`
// (build, lint, `changeset publish`) into a throw-away Verdaccio; then, in an empty folder,
// plain `npm install` of every public package from it, and checks of what was installed:
// no `workspace:` range, internal dependencies at the published versions, every `exports`
// entry by ESM import and CJS require on Node 20, 22, 24 and 26, Bun and Deno, tsc (nodenext and
// bundler) against the published types, the `mindzie` and `mindzie-sandbox` bins, and real
// runs (CLI; client + poller on each runtime) against the published sandbox.
// Run by the test command (scripts/test-all.mjs). KEEP_PROOF=1 keeps the temporary folder.
import { spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { runInChromium } from './proof/browser/run-in-chromium.mjs';
import { runNewcomer } from './proof/newcomer.mjs';
import { check, run, step, timings } from './proof/steps.mjs';
import { ensureTools } from './proof/tools.mjs';
import { writeTypeChecks } from './proof/type-checks.mjs';
import { startVerdaccio } from './proof/verdaccio.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const pnpm = join(root, 'node_modules', 'pnpm', 'bin', 'pnpm.cjs');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const work = mkdtempSync(join(tmpdir(), 'mindzie-publish-proof-'));
const copy = join(work, 'repo');
const consumer = join(work, 'consumer');
const quiet = { TURBO_TELEMETRY_DISABLED: '1', REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' };
/** @type {Array<() => Promise<void>>} */
const cleanups = [];

/** The public packages of a workspace, read from its package.json files. */
function publicPackages(/** @type {string} */ repo) {
  return ['packages', 'apps']
    .flatMap((group) => readdirSync(join(repo, group)).map((name) => join(repo, group, name)))
    .filter((dir) => existsSync(join(dir, 'package.json')))
    .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }))
    .filter(({ manifest }) => !manifest.private)
    .map(({ dir, manifest }) => ({ dir, name: manifest.name, version: manifest.version, manifest }));
}

/** Starts the published sandbox through its bin and resolves with its --json line. */
async function startPublishedSandbox() {
  const bin = join(consumer, 'node_modules', '@mindzie', 'sandbox', 'bin', 'mindzie-sandbox.js');
  const args = [bin, '--json', '--time-scale', '60', '--cors-origin', '*'];
  const child = spawn(process.execPath, args, { cwd: consumer, stdio: ['ignore', 'pipe', 'inherit'] });
  cleanups.push(async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
    }
  });
  const firstLine = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`mindzie-sandbox exited (${code}) before it was ready`)));
  });
  return { line: /** @type {string} */ (firstLine), info: JSON.parse(/** @type {string} */ (firstLine)) };
}

async function main() {
  const started = performance.now();
  const tools = await step('tools: Verdaccio 6.8, Node 22, 24 and 26, Bun, Deno (cached)', async () => ensureTools());

  await step('copy the working tree, pnpm install --offline, git commit', async () => {
    const { stdout } = await run('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], {
      cwd: root,
    });
    for (const file of stdout.split('\0').filter(Boolean)) {
      if (!existsSync(join(root, file))) {
        continue; // deleted, not yet committed
      }
      mkdirSync(dirname(join(copy, file)), { recursive: true });
      copyFileSync(join(root, file), join(copy, file));
    }
    await run(process.execPath, [pnpm, 'install', '--offline', '--frozen-lockfile'], { cwd: copy });
    const git = ['-c', 'user.name=proof', '-c', 'user.email=proof@localhost'];
    await run('git', ['init', '-q', '-b', 'main'], { cwd: copy });
    await run('git', ['add', '-A'], { cwd: copy });
    await run('git', [...git, 'commit', '-qm', 'proof'], { cwd: copy });
  });

  const released = await step('changeset version (the Version packages pull request)', async () => {
    const before = publicPackages(copy);
    await run(process.execPath, [pnpm, 'run', 'version-packages'], { cwd: copy, env: { ...process.env, ...quiet } });
    const git = ['-c', 'user.name=proof', '-c', 'user.email=proof@localhost'];
    await run('git', [...git, 'commit', '-qam', 'Version packages'], { cwd: copy });
    const after = publicPackages(copy);
    for (const pkg of after) {
      const old = before.find((candidate) => candidate.name === pkg.name);
      check(old && old.version !== pkg.version, `${pkg.name} was not versioned (${old?.version} → ${pkg.version})`);
    }
    return after;
  });
  console.log(`    ${released.map((pkg) => `${pkg.name}@${pkg.version}`).join(', ')}`);

  const registry = await step('start Verdaccio on a free port of 127.0.0.1', async () =>
    startVerdaccio({ bin: tools.verdaccio }),
  );
  cleanups.push(registry.close);
  const npmrc = join(work, 'publish.npmrc');
  writeFileSync(npmrc, `registry=${registry.url}\n//${new URL(registry.url).host}/:_authToken=${registry.token}\n`);
  const publishEnv = { ...process.env, ...quiet, npm_config_registry: registry.url, npm_config_userconfig: npmrc };

  await step('pnpm run release (build, lint, changeset publish) into Verdaccio', async () => {
    await run(process.execPath, [pnpm, 'run', 'release'], { cwd: copy, env: publishEnv, timeoutMs: 15 * 60_000 });
    for (const pkg of released) {
      const response = await fetch(new URL(pkg.name.replace('/', '%2f'), registry.url));
      const body = /** @type {{ versions?: Record<string, unknown> }} */ (await response.json());
      const published = body.versions?.[pkg.version];
      check(published, `${pkg.name}@${pkg.version} is not in the registry`);
      const text = JSON.stringify(published);
      check(!text.includes('workspace:'), `${pkg.name}@${pkg.version} was published with a workspace: range`);
    }
  });

  const names = released.map((pkg) => pkg.name);
  await step('npm install every public package from Verdaccio into an empty folder', async () => {
    mkdirSync(consumer);
    writeFileSync(
      join(consumer, 'package.json'),
      JSON.stringify({ name: 'proof-consumer', private: true, type: 'module' }),
    );
    // Only the @mindzie scope comes from Verdaccio; everything else from the usual registry.
    writeFileSync(join(consumer, '.npmrc'), `@mindzie:registry=${registry.url}\n`);
    // Optional peers too (e.g. @opentelemetry/api for @mindzie/client/otel), so every entry loads.
    const peers = released.flatMap((pkg) =>
      Object.entries(pkg.manifest.peerDependencies ?? {}).map(([name, range]) => `${name}@${range}`),
    );
    // ioredis 6's own .d.ts import redis-errors without its types; the poller README tells users the same.
    const typesOfPeers = ['@types/node@20', '@types/redis-errors@1'];
    const wanted = [...released.map((pkg) => `${pkg.name}@${pkg.version}`), ...peers, ...typesOfPeers];
    const env = { ...process.env, npm_config_userconfig: join(work, 'none') }; // no publish token here
    await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...wanted], { cwd: consumer, env });
    for (const pkg of released) {
      const installed = readFileSync(join(consumer, 'node_modules', pkg.name, 'package.json'), 'utf8');
      check(!installed.includes('workspace:'), `${pkg.name}'s installed package.json has a workspace: range`);
      const { dependencies = {} } = JSON.parse(installed);
      for (const dependency of Object.keys(dependencies).filter((name) => names.includes(name))) {
        const resolved = JSON.parse(readFileSync(require_resolve(pkg.name, dependency), 'utf8')).version;
        const expected = released.find((candidate) => candidate.name === dependency)?.version;
        check(resolved === expected, `${pkg.name} resolved ${dependency}@${resolved}, not the published ${expected}`);
      }
    }
  });
  copyFileSync(new URL('proof/consumer/check-exports.mjs', import.meta.url), join(consumer, 'check-exports.mjs'));
  copyFileSync(new URL('proof/consumer/smoke.mjs', import.meta.url), join(consumer, 'smoke.mjs'));

  /** @type {Array<[string, string, string[]]>} runtime label, command, arguments before the script */
  const runtimes = [
    [`Node ${process.versions.node}`, process.execPath, []],
    ['Node 22', tools.node22, []],
    ['Node 24', tools.node24, []],
    ['Node 26', tools.node26, []],
    ['Bun', tools.bun, []],
    ['Deno', tools.deno, ['run', '--allow-all']],
  ];
  for (const [label, command, args] of runtimes) {
    await step(`${label}: ESM import and CJS require of every export`, async () => {
      const { stdout } = await run(command, [...args, 'check-exports.mjs', JSON.stringify(names)], { cwd: consumer });
      const { checked } = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
      check(checked.length >= names.length, `only ${checked.length} entries checked`);
      const specifiers = checked.map((/** @type {{ specifier: string }} */ entry) => entry.specifier);
      if (command === process.execPath) {
        console.log(`    ${specifiers.join(', ')}`);
      }
    });
  }

  for (const config of writeTypeChecks(consumer, names)) {
    await step(`tsc -p ${config.split('/').at(-1)} against the published types`, async () => {
      await run(process.execPath, [tsc, '-p', config], { cwd: consumer });
    });
  }

  await step('the mindzie and mindzie-sandbox bins', async () => {
    const cli = released.find((pkg) => pkg.name === '@mindzie/cli');
    const { stdout } = await run(join(consumer, 'node_modules', '.bin', 'mindzie'), ['--version'], { cwd: consumer });
    check(stdout.includes(cli?.version ?? '?'), `mindzie --version printed ${stdout.trim()}, not ${cli?.version}`);
    const help = await run(join(consumer, 'node_modules', '.bin', 'mindzie-sandbox'), ['--help'], { cwd: consumer });
    check(help.stdout.includes('Usage: mindzie-sandbox'), 'mindzie-sandbox --help printed no usage');
  });

  const sandbox = await step('start the published sandbox (mindzie-sandbox --json)', startPublishedSandbox);
  await step('mindzie action run --wait --download against it', async () => {
    const { info } = sandbox;
    const action = info.actions.find(
      (/** @type {{ outcome: string, durationMs: number }} */ a) => a.outcome === 'Completed' && a.durationMs < 5_000,
    );
    const env = {
      ...process.env,
      MINDZIE_BASE_URL: info.baseUrl,
      MINDZIE_TOKEN: info.token,
      MINDZIE_TENANT_ID: info.tenantId,
      MINDZIE_PROJECT_ID: info.projectId,
    };
    const out = join(consumer, 'out');
    const args = ['action', 'run', action.actionId, '--wait', '--download', `${out}/`, '--json'];
    const { stdout } = await run(join(consumer, 'node_modules', '.bin', 'mindzie'), args, { cwd: consumer, env });
    check(JSON.stringify(JSON.parse(stdout)).includes('"Completed"'), `the run did not complete: ${stdout}`);
    const files = readdirSync(out);
    const zip =
      files.length === 1 &&
      readFileSync(join(out, files[0] ?? ''))
        .subarray(0, 2)
        .toString() === 'PK';
    check(zip, `expected one ZIP in ${out}, found ${files}`);
  });
  await step(
    "a newcomer: npx @mindzie/sandbox, the root README's first example in an empty project saves a ZIP",
    async () => {
      const npmEnv = { ...process.env, npm_config_userconfig: join(work, 'none') };
      const folder = join(work, 'newcomer');
      const npxCache = join(work, 'npx-cache');
      const saved = await runNewcomer({ root: copy, folder, registryUrl: registry.url, npmEnv, npxCache });
      console.log(
        `    ${saved.directory}/${saved.zip}, created by the SDK against \`npx @mindzie/sandbox\`; ` +
          '@mindzie/sandbox installed without engine warnings',
      );
    },
  );
  for (const [label, command, args] of runtimes) {
    await step(`${label}: client + poller execute, wait, downloadPackageToFile, error vs the sandbox`, async () => {
      const env = { ...process.env, MINDZIE_SANDBOX: sandbox.line };
      const { stdout } = await run(command, [...args, 'smoke.mjs'], { cwd: consumer, env });
      const result = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
      check(result.status === 'Completed' && result.error === 'UnauthorizedError', `unexpected: ${stdout}`);
      console.log(`    ${result.runtime}: ${result.status}, ${result.file} (${result.bytes} B), ${result.error}`);
    });
  }

  await step('Chromium: the browser build runs, waits, downloads and fails without showing a token', async () => {
    const outcome = await runInChromium({ consumer, sandbox: sandbox.info });
    console.log(
      `    ${outcome.browser}: ${outcome.status}, ${outcome.filename}, ${outcome.error}, ` +
        `${outcome.console} console lines`,
    );
  });

  console.log(`publish proof passed in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

/** The package.json of `dependency` as `from` resolves it (nested or hoisted). */
function require_resolve(/** @type {string} */ from, /** @type {string} */ dependency) {
  const nested = join(consumer, 'node_modules', from, 'node_modules', dependency, 'package.json');
  return existsSync(nested) ? nested : join(consumer, 'node_modules', dependency, 'package.json');
}

try {
  await main();
} catch (error) {
  console.error(`publish proof failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  for (const cleanup of cleanups.reverse()) {
    await cleanup().catch(() => {});
  }
  if (process.env.KEEP_PROOF) {
    console.log(`kept ${work}`);
  } else {
    rmSync(work, { recursive: true, force: true });
  }
  const summary = timings.map(({ name, seconds }) => `${name.split(':')[0]} ${seconds.toFixed(1)} s`);
  if (summary.length) {
    console.log(`timings: ${summary.join('; ')}`);
  }
}
