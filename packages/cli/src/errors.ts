import { InvalidArgumentError, MindzieError } from '@mindzie/client';

// The CLI's additions to the SDK's one error hierarchy (never a parallel one).

/** A command line that cannot run: unknown option, bad value, missing argument. */
export class UsageError extends InvalidArgumentError {
  override name = 'UsageError';
}

/** A connection setting is neither given as a flag nor in the environment. */
export class MissingSettingError extends InvalidArgumentError {
  override name = 'MissingSettingError';
  constructor(
    argument: string,
    readonly flag: string,
    readonly environmentVariable: string,
  ) {
    super(argument, `Missing setting ${flag}: pass ${flag} or set ${environmentVariable}.`);
  }
}

/**
 * Ctrl-C while waiting. The execution is neither cancelled nor repeated: the API has no
 * cancel, and execute is never sent twice. `executionId` says what to resume.
 */
export class InterruptedError extends MindzieError {
  override name = 'InterruptedError';
  constructor(
    readonly executionId: string | undefined,
    readonly resumeCommand: string | undefined,
  ) {
    super(
      executionId === undefined
        ? 'Interrupted (Ctrl-C).'
        : `Interrupted: stopped waiting for execution ${executionId}. ` +
            'It was not cancelled and keeps running on the server.' +
            (resumeCommand ? ` Resume with: ${resumeCommand}` : ''),
    );
  }
}
