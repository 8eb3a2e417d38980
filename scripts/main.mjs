// The main job (`npm run demo`): the `mindzie` CLI against the embedded sandbox.
// It starts the sandbox in this process (no tenant needed), runs a seeded action through
// the CLI with --wait --download, lists the files in the downloaded ZIP, runs an action
// the fixture makes fail to show how a failure reads, then stops the sandbox and exits 0.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// The CLI package depends on everything the demo uses (the sandbox and yauzl as dev dependencies).
const fromCli = createRequire(join(root, 'packages/cli/package.json'));
const { startSandbox } = await import(pathToFileURL(fromCli.resolve('@mindzie/sandbox')).href);
const { exitCodes } = await import(pathToFileURL(join(root, 'packages/cli/dist/index.js')).href);
const yauzl = fromCli('yauzl');
const mindzieBin = join(root, 'packages/cli/bin/mindzie.js');

const tty = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
const bold = (text) => (tty ? `\x1b[1m${text}\x1b[22m` : text);
const dim = (text) => (tty ? `\x1b[2m${text}\x1b[22m` : text);
const say = (text = '') => process.stdout.write(`${text}\n`);
const step = (text) => say(`\n${bold(`▶ ${text}`)}`);

/** Runs the real `mindzie` bin as a user would, its output straight to this terminal. */
function mindzie(args, env) {
  say(dim(`  $ mindzie ${args.join(' ')}`));
  return new Promise((resolve, reject) => {
    // Asynchronous on purpose: the sandbox answers from this process's event loop.
    const child = spawn(process.execPath, [mindzieBin, ...args], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, ...env },
    });
    child.once('error', reject);
    child.once('close', (code) => resolve(code ?? 1));
  });
}

function zipEntries(file) {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (error, zip) => {
      if (error) {
        return reject(error);
      }
      const entries = [];
      zip.on('entry', (entry) => {
        entries.push({ name: entry.fileName, bytes: entry.uncompressedSize });
        zip.readEntry();
      });
      zip.on('end', () => resolve(entries));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

const describeExit = (code) => {
  const row = exitCodes.find((candidate) => candidate.code === code);
  return row ? `${code} (${row.name})` : String(code);
};

// Time scale 2: the seeded 3-second action takes 1.5 s, long enough to watch it go Queued → Running → Completed.
const timeScale = 2;
say(bold('mindzie demo: the CLI against the embedded sandbox (no tenant needed)'));
step(`Starting the sandbox in this process (time scale ${timeScale})`);
const sandbox = await startSandbox({ port: 0, timeScale });
const work = await mkdtemp(join(tmpdir(), 'mindzie-demo-'));
let failures = 0;
try {
  const env = {
    MINDZIE_BASE_URL: sandbox.baseUrl,
    MINDZIE_TOKEN: sandbox.token,
    MINDZIE_TENANT_ID: sandbox.tenantId,
    MINDZIE_PROJECT_ID: sandbox.projectId,
  };
  say(`  ready at ${sandbox.baseUrl}; the CLI finds it through four environment variables:`);
  for (const [name, value] of Object.entries(env)) {
    say(dim(`    ${name}=${name === 'MINDZIE_TOKEN' ? '…' : value}`));
  }
  say(dim('  Against a real instance only those four change.'));

  const succeeding = sandbox.actions.find((action) => action.outcome === 'Completed');
  const failing = sandbox.actions.find((action) => action.outcome === 'Failed');
  if (!succeeding || !failing) {
    throw new Error('The sandbox fixture has no Completed or no Failed action to demonstrate');
  }
  // --no-json: readable output even when this demo's output is piped (CI logs).
  const readable = ['--no-json'];

  step(`1/3 Run "${succeeding.name}", wait for it and download its package`);
  const packages = `${join(work, 'packages')}/`;
  const ran = await mindzie(['action', 'run', succeeding.actionId, '--wait', '--download', packages, ...readable], env);
  say(dim(`  exit code ${describeExit(ran)}`));
  if (ran !== 0) {
    failures += 1;
  }

  step('2/3 The files in the downloaded ZIP');
  const { readdir } = await import('node:fs/promises');
  for (const file of await readdir(packages)) {
    say(`  ${file}`);
    for (const entry of await zipEntries(join(packages, file))) {
      say(`    ${entry.name.padEnd(24)} ${String(entry.bytes).padStart(6)} bytes`);
    }
  }

  step(`3/3 Run "${failing.name}", which the fixture makes fail: how a failure reads`);
  const failed = await mindzie(['action', 'run', failing.actionId, '--wait', ...readable], env);
  say(dim(`  exit code ${describeExit(failed)}: scripts and CI can branch on it (see mindzie --help)`));
  if (failed !== exitCodes.find((row) => row.name === 'execution-failed').code) {
    failures += 1;
  }
} finally {
  await sandbox.close();
  await rm(work, { recursive: true, force: true });
}
say(`\n${bold(failures === 0 ? 'Demo done: sandbox stopped.' : `Demo ended with ${failures} unexpected result(s).`)}`);
process.exit(failures === 0 ? 0 : 1);
