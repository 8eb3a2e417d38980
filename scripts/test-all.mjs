// Runs every check the project has (lint, typecheck, tests, release checks) through turbo,
// then the publish proof (scripts/verdaccio-proof.mjs), then sums the per-package vitest
// reports into the one plain line CI reads: `N passed, N failed`.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

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

const steps = [
  ['turbo', ['run', 'lint', 'typecheck', 'test', '--continue', '--output-logs=errors-only']],
  // After the suites, not beside them: it builds and installs a whole copy (2-4 min alone),
  // and the timing-sensitive suites should not share the 2 cores with it.
  ['node', ['scripts/verdaccio-proof.mjs']],
  ['changeset', ['status']],
];
const failedSteps = steps.filter(([cmd, args]) => run(cmd, args) !== 0).map(([cmd, args]) => `${cmd} ${args[0]}`);

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
