// The generic primitive every wait is built on: call `check` on the schedule until
// `isDone` holds for its answer, within one deadline and one abort signal.
import { resolveWait, type WaitOptions } from './options.js';
import { type CheckContext, PollStream, type Reading } from './stream.js';

export interface PollUntilOptions<T> extends WaitOptions<T> {
  /** Reads a status from an answer, for `onStatusChange` (default: its string `status` field). */
  statusOf?: (value: T) => string | undefined;
  /** The statuses this wait knows; any other is reported once through `onUnknownStatus`. Default: all are known. */
  knownStatuses?: readonly string[];
}

/**
 * Polls `check` until `isDone(answer)` and resolves with that answer. Transient failures
 * (network, 408, 429, 5xx) are retried on the schedule up to `maxConsecutiveFailures`
 * in a row; any other failure rejects at once. Rejects with a WaitTimeoutError at the
 * deadline and with the signal's reason on abort; nothing is left pending afterwards.
 */
export function pollUntil<T>(
  check: (context: CheckContext) => Promise<T>,
  isDone: (value: T) => boolean,
  options: PollUntilOptions<T> = {},
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const wait = resolveWait(options); // a bad option throws here: the promise rejects
    const known = options.knownStatuses;
    const reading: Reading<T> = {
      isDone,
      statusOf: options.statusOf ?? statusField,
      isKnownStatus: known ? (status) => known.includes(status) : () => true,
    };
    new PollStream<T>({ reading, check }, wait, options.limiter).join(wait, options, resolve, reject);
  });
}

function statusField(value: unknown): string | undefined {
  const status = (value as { status?: unknown } | null | undefined)?.status;
  return typeof status === 'string' ? status : undefined;
}
