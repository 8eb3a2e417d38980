#!/usr/bin/env node
// A nightly job: run one mindzieStudio action, wait for it, and save its package as
// <folder>/<action name or id>-<YYYY-MM-DD>.zip. Schedule it with cron, a systemd timer or a
// GitHub Actions workflow (files beside this one). Settings come from the environment:
//   MINDZIE_BASE_URL, MINDZIE_TOKEN, MINDZIE_TENANT_ID, MINDZIE_PROJECT_ID   (the client's)
//   NIGHTLY_ACTION_ID   the action to run (or the first argument)
//   NIGHTLY_DIR         where the packages go (default ./reports; created if missing)
// Exit codes, the same as the `mindzie` CLI's: 0 saved, 1 other error, 2 bad setting or the
// day's file exists already (nothing was run), 3 the execution failed, 4 timed out, 5 not
// found, 6 token refused, 7 execute's outcome unknown (check the history before running again).
import { join } from 'node:path';
import { createClient, InvalidArgumentError, NotFoundError, TimeoutError, UnauthorizedError } from '@mindzie/client';
import { ExecuteOutcomeUnknownError, ExecutionFailedError, nextStepOf } from '@mindzie/poller';
import { runAction } from '@mindzie/poller/node';

/** @type {Array<[Function, number]>} Exit codes by error class; the first match wins. */
const exitCodes = [
  [InvalidArgumentError, 2],
  [ExecutionFailedError, 3],
  [TimeoutError, 4],
  [NotFoundError, 5],
  [UnauthorizedError, 6],
  [ExecuteOutcomeUnknownError, 7],
];

/** The day in UTC, so a job that runs at midnight names its file the same way everywhere. */
function dated(day = new Date()) {
  return day.toISOString().slice(0, 10);
}

/** @param {unknown} error */
function exitCodeOf(error) {
  return exitCodes.find(([cls]) => error instanceof cls)?.[1] ?? 1;
}

async function main() {
  const actionId = process.argv[2] ?? process.env.NIGHTLY_ACTION_ID ?? '';
  if (actionId === '') {
    throw new InvalidArgumentError('actionId', 'Pass the action id as the first argument or in NIGHTLY_ACTION_ID');
  }
  const client = createClient.fromEnv();
  const path = join(process.env.NIGHTLY_DIR || 'reports', `${actionId}-${dated()}.zip`);
  const { execution, file } = await runAction(client, actionId, {
    download: { path }, // refuses to overwrite: a second run on the same day exits 2, running nothing
    timeoutMs: 60 * 60_000, // one hour for execute, the wait and the download
    onExecuted: (e) => console.log(`execution ${e.actionExecutionId} started`),
  });
  console.log(`${execution.status}: saved ${file.path} (${file.bytes} bytes)`);
}

main().catch((/** @type {unknown} */ error) => {
  console.error(String(error));
  const next = nextStepOf(error);
  if (next?.command) {
    console.error(`next: ${next.command}`);
  }
  process.exitCode = exitCodeOf(error);
});
