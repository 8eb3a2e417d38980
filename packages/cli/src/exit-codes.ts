import { ApiError, InvalidArgumentError, NotFoundError, TimeoutError, UnauthorizedError } from '@mindzie/client';
import { ExecuteOutcomeUnknownError, ExecutionFailedError, UnsupportedError } from '@mindzie/poller';
import { InterruptedError } from './errors.js';

type ErrorClass = abstract new (...args: never[]) => Error;

/**
 * The one table from outcome to exit code. `--help`, the README and the exit code of
 * every command come from it; an error matching no row exits with `other`.
 */
export const exitCodes = [
  { code: 0, name: 'success', meaning: 'Done; an awaited execution completed.', errors: [] },
  {
    code: 1,
    name: 'other',
    meaning: "Any other error (server, network, rate limit, unsupported); or execute's answer lost, none appeared.",
    errors: [UnsupportedError],
  },
  {
    code: 2,
    name: 'usage',
    meaning: 'Bad arguments or a missing setting; nothing was sent.',
    errors: [InvalidArgumentError],
  },
  {
    code: 3,
    name: 'execution-failed',
    meaning: 'The execution ended Failed (or Cancelled); its notes are shown.',
    errors: [ExecutionFailedError],
  },
  {
    code: 4,
    name: 'timed-out',
    meaning: 'The wait (--timeout) or a request ran out of time; the execution may still run.',
    errors: [TimeoutError],
  },
  {
    code: 5,
    name: 'not-found',
    meaning: 'No such action, execution, block or package (404).',
    errors: [NotFoundError],
  },
  {
    code: 6,
    name: 'unauthorized',
    meaning: 'The token was missing, expired or refused (401 or 403); a run that stops here executed nothing.',
    errors: [UnauthorizedError],
    statuses: [403],
  },
  {
    code: 7,
    name: 'outcome-unknown',
    meaning: "Execute's answer was lost and it may have created an execution: check the history first.",
    errors: [ExecuteOutcomeUnknownError],
  },
  {
    code: 130,
    name: 'interrupted',
    meaning: 'Ctrl-C; an execution already sent keeps running and is not repeated.',
    errors: [InterruptedError],
  },
] as const satisfies ReadonlyArray<{
  code: number;
  name: string;
  meaning: string;
  errors: readonly ErrorClass[];
  /** API errors of these statuses too (a 403 has no class of its own). */
  statuses?: readonly number[];
}>;

export type ExitName = (typeof exitCodes)[number]['name'];

/** The exit code of a named outcome. */
export function exitCode(name: ExitName): number {
  return exitCodes.find((row) => row.name === name)!.code;
}

/** The row an error belongs to: the first whose classes it is an instance of, else `other`. */
export function exitRowFor(error: unknown): (typeof exitCodes)[number] {
  const row = exitCodes.find(
    (candidate) =>
      (candidate.errors as readonly ErrorClass[]).some((cls) => error instanceof cls) ||
      ('statuses' in candidate &&
        error instanceof ApiError &&
        (candidate.statuses as readonly number[]).includes(error.status)),
  );
  return row ?? exitCodes.find((candidate) => candidate.name === 'other')!;
}
