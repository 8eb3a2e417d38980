import { ConfigurationError, InvalidArgumentError, MindzieError } from '@mindzie/client';

// The CLI's additions to the SDK's one error hierarchy (never a parallel one).

/** A command line that cannot run: unknown option, bad value, missing argument. */
export class UsageError extends InvalidArgumentError {
  override name = 'UsageError';
}

/** Connection settings missing or invalid, given neither as flags nor in the environment: `problems` has them all. */
export class MissingSettingError extends ConfigurationError {
  override name = 'MissingSettingError';
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
