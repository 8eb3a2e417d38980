// Runs every check the project has (lint, typecheck, tests, release checks) through turbo,
// beside the publish proof (scripts/verdaccio-proof.mjs), then sums the per-package vitest
// reports into the one plain line CI reads: `N passed, N failed`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDebianPackage } from '../apps/docs/src/debian-packages.mjs';

process.env.TURBO_TELEMETRY_DISABLED = '1';
process.env.REDOCLY_TELEMETRY = 'off';
process.env.REDOCLY_SUPPRESS_UPDATE_NOTICE = 'true';

const root = new URL('..', import.meta.url).pathname;
const run = (cmd, args) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: process.env }).status ?? 1;

const workspaces = [
  'spec',
  ...['packages', 'apps'].flatMap((d) => readdirSync(join(root, d)).map((p) => `${d}/${p}`)),
  'examples',
];
const reportOf = (dir) => join(root, dir, 'test-results', 'vitest.json');
const hasTests = (dir) => {
  const walk = (d) =>
    readdirSync(d, { withFileTypes: true }).some((e) =>
      e.isDirectory()
        ? !['node_modules', 'dist'].includes(e.name) && walk(join(d, e.name))
        : e.name.endsWith('.test.ts'),
    );
  return walk(join(root, dir));
};

// Stale reports must not count: turbo restores them from its cache on a hit.
for (const dir of workspaces) {
  rmSync(reportOf(dir), { force: true });
}

// The Debian packages the suites and the proof use, installed first and one at a time: apt-get
// fails at once when another apt-get holds its lock, and the suites below run side by side.
for (const [binary, debianPackage] of [
  ['/usr/bin/chromium', 'chromium'],
  ['/usr/bin/redis-server', 'redis-server'],
  ['/usr/bin/curl', 'curl'],
]) {
  try {
    ensureDebianPackage(binary, debianPackage);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}

/** Runs a command to its end; with `buffered`, its output is kept and printed when it ends. */
function start(cmd, args, { buffered = false } = {}) {
  const child = spawn(cmd, args, {
    cwd: root,
    stdio: buffered ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    env: process.env,
  });
  const output = [];
  if (buffered) {
    child.stdout.on('data', (chunk) => output.push(chunk));
    child.stderr.on('data', (chunk) => output.push(chunk));
  }
  return new Promise((resolve) => {
    child.on('error', () => resolve(1));
    child.on('close', (code) => {
      process.stdout.write(Buffer.concat(output));
      resolve(code ?? 1);
    });
  });
}

// The publish proof (2 minutes, half of it a copy's install and build) runs beside the suites:
// the suites alone leave about a quarter of the two cores idle, and every suite holds under load.
// Its output is printed whole when it ends, not mixed into turbo's.
const steps = [
  { cmd: 'turbo', args: ['run', 'lint', 'typecheck', 'test', '--continue', '--output-logs=errors-only'] },
  { cmd: 'node', args: ['scripts/verdaccio-proof.mjs'], buffered: true },
];
const codes = await Promise.all(steps.map(({ cmd, args, buffered }) => start(cmd, args, { buffered })));
const failedSteps = steps.filter((_, i) => codes[i] !== 0).map(({ cmd, args }) => `${cmd} ${args[0]}`);
if (run('changeset', ['status']) !== 0) {
  failedSteps.push('changeset status');
}

let passed = 0;
let failed = 0;
for (const dir of workspaces) {
  if (!existsSync(reportOf(dir))) {
    // A package with test files but no report never ran them (a missing script, a crash).
    if (hasTests(dir)) {
      failedSteps.push(`${dir} wrote no test report`);
    }
    continue;
  }
  const { numPassedTests, numFailedTests } = JSON.parse(readFileSync(reportOf(dir), 'utf8'));
  console.log(`  ${dir}: ${numPassedTests} passed, ${numFailedTests} failed`);
  passed += numPassedTests;
  failed += numFailedTests;
}
if (failedSteps.length) {
  console.log(`failed steps: ${failedSteps.join(', ')}`);
}
// A failed step with no failed test (a lint, a build) still counts as one failure.
if (failedSteps.length && failed === 0) {
  failed = failedSteps.length;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed || failedSteps.length ? 1 : 0);
