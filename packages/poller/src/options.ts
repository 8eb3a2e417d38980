// Every option a wait takes, its default, and the checks that run before any request.
// The README justifies each default.
import { InvalidArgumentError } from '@mindzie/client';
import { type Coordinator, isCoordinator } from './coordinator.js';
import { gateOf, type Limiter } from './limiter.js';
import { type DurationPrior, givenPrior } from './prior.js';
import { type ResumeTokenData, readResumeToken } from './resume.js';
import { jitterModes, type Schedule, type ScheduleOptions, type ScheduleState } from './schedule.js';
import { MAX_TIMER_MS } from './signals.js';

/** What `onPoll` receives after every check, answered or failed. */
export interface PollEvent<T> {
  /** Checks the wait has made so far, this one included. */
  attempt: number;
  /** The check's answer, when it answered. */
  value?: T;
  /** Why the check failed, when it failed (a transient failure the wait tolerated, or the one that ends it). */
  error?: unknown;
  /** When the next check starts; `undefined` when none will (done, failed, or no time left). */
  nextDelayMs: number | undefined;
  /** How long the action usually takes (the median of `runs` recent runs; 0 runs: `expectedDurationMs`). */
  prior?: { expectedMs: number; runs: number } | undefined;
  /** Milliseconds since this wait began. */
  elapsedMs: number;
  /** Pass it as `resume` (or to `resumeWait`) in another process to carry on with the same deadline and schedule. */
  resumeToken: string;
}

export interface WaitOptions<T> extends ScheduleOptions {
  /** Total time for the wait (default 1 800 000 = 30 min); `Infinity` for none. No request starts after it. */
  timeoutMs?: number;
  /** Aborts the wait: it rejects with the signal's reason and leaves nothing pending. */
  signal?: AbortSignal;
  /**
   * Transient failures in a row (network, 408, 429, 5xx, an unreadable 2xx) tolerated before the
   * wait gives up with the last one (default 8).
   */
  maxConsecutiveFailures?: number;
  /** Limit of one status request (default 10 000 ms), shortened to the time left before the deadline. */
  requestTimeoutMs?: number;
  /** Shared budget for status requests (waits on a client share one with `maxConcurrent: 8` unless given). */
  limiter?: Limiter;
  /**
   * Polls each execution once across processes (`@mindzie/poller/redis`); its budget replaces
   * `limiter`. Default: this process alone.
   */
  coordinator?: Coordinator;
  /**
   * Place checks by how long the action usually takes, read from its recent executions (default
   * `true` for actions; blocks have no history to read): `false` keeps the elapsed-time schedule.
   */
  prior?: boolean;
  /** How long the action usually takes, given instead of read (read as runs ±10 % around it). */
  expectedDurationMs?: number;
  /** A token from `PollEvent.resumeToken`: keeps its deadline (unless `timeoutMs` is given) and schedule position. */
  resume?: string;
  onPoll?: (event: PollEvent<T>) => void;
  /** Every change of status, starting with the first status seen. */
  onStatusChange?: (value: T, previous: T | undefined) => void;
  /** Called once per status outside the documented enum; the wait keeps polling on its schedule. */
  onUnknownStatus?: (status: string, value: T) => void;
}

export const defaults = {
  initialDelayMs: 1_000,
  factor: 1.2,
  maxDelayMs: 30_000,
  jitter: 'equal',
  timeoutMs: 30 * 60_000,
  maxConsecutiveFailures: 8,
  requestTimeoutMs: 10_000,
} as const;

export interface ResolvedWait {
  schedule: Schedule;
  state: ScheduleState;
  /** Absolute deadline (epoch ms), or Infinity. */
  deadline: number;
  timeoutMs: number;
  maxConsecutiveFailures: number;
  requestTimeoutMs: number;
  token: ResumeTokenData | undefined;
  /** `false`: no prior; `true`: read one; or the one given as `expectedDurationMs`. */
  prior: boolean | DurationPrior;
}

/**
 * Throws the InvalidArgumentError a wait with these options would reject with, sends nothing:
 * for callers that must know before they execute (an execute cannot be taken back).
 */
export function checkWaitOptions(options: WaitOptions<never> | undefined): void {
  resolveWait(options);
}

/** Checks and fills in a wait's options; throws InvalidArgumentError naming the bad one. */
export function resolveWait(options: WaitOptions<never> | undefined, now = Date.now()): ResolvedWait {
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw new InvalidArgumentError('options', 'options must be an object');
  }
  const o = options ?? {};
  const initialDelayMs = num(o, 'initialDelayMs', 1, MAX_TIMER_MS);
  // Unless given, the cap stays above the first step: `{ initialDelayMs: 60_000 }` alone is fine.
  const maxDelayMs =
    o.maxDelayMs === undefined
      ? Math.max(defaults.maxDelayMs, initialDelayMs)
      : num(o, 'maxDelayMs', initialDelayMs, MAX_TIMER_MS);
  const jitter = o.jitter ?? defaults.jitter;
  if (!jitterModes.includes(jitter)) {
    throw new InvalidArgumentError('jitter', `jitter must be one of ${jitterModes.join(', ')}`);
  }
  const factor = num(o, 'factor', 1, 10);
  // Thousands of waits on the default schedule share it rather than carry a copy each.
  const schedule: Schedule =
    (o.initialDelayMs ?? o.maxDelayMs ?? o.jitter ?? o.factor) === undefined
      ? defaults
      : { initialDelayMs, maxDelayMs, jitter, factor };
  const maxConsecutiveFailures = num(o, 'maxConsecutiveFailures', 0, 1000);
  if (!Number.isInteger(maxConsecutiveFailures)) {
    throw new InvalidArgumentError('maxConsecutiveFailures', 'maxConsecutiveFailures must be an integer');
  }
  const requestTimeoutMs = num(o, 'requestTimeoutMs', 1, MAX_TIMER_MS);
  for (const name of ['signal', 'onPoll', 'onStatusChange', 'onUnknownStatus', 'limiter'] as const) {
    const value = o[name];
    const ok =
      value === undefined ||
      (name === 'signal'
        ? value instanceof AbortSignal
        : name === 'limiter'
          ? gateOf(value) !== undefined
          : typeof value === 'function');
    if (!ok) {
      throw new InvalidArgumentError(
        name,
        name === 'limiter' ? 'limiter must come from createLimiter' : `${name} has the wrong type`,
      );
    }
  }
  if (o.coordinator !== undefined && !isCoordinator(o.coordinator)) {
    throw new InvalidArgumentError('coordinator', 'coordinator must have a join function');
  }
  if (o.prior !== undefined && typeof o.prior !== 'boolean') {
    throw new InvalidArgumentError('prior', 'prior must be true or false');
  }
  let prior: boolean | DurationPrior = o.prior ?? true;
  if (o.expectedDurationMs !== undefined && prior) {
    prior = givenPrior(num(o, 'expectedDurationMs', 1, 7 * 24 * 3_600_000));
  }
  const token = o.resume === undefined ? undefined : readResumeToken(o.resume);
  let deadline: number;
  if (o.timeoutMs === undefined && token) {
    deadline = token.deadline ?? Infinity;
  } else {
    const timeoutMs = o.timeoutMs === Infinity ? Infinity : num(o, 'timeoutMs', 1, MAX_TIMER_MS);
    deadline = now + timeoutMs;
  }
  return {
    schedule,
    state: token ? resumedState(token, schedule, now) : { startedAt: now, attempt: 0, delayMs: initialDelayMs },
    deadline,
    timeoutMs: deadline - now,
    maxConsecutiveFailures,
    requestTimeoutMs,
    token,
    prior,
  };
}

/** A token's schedule position; one from before `startedAt` was kept gets the origin its last delay implies. */
function resumedState(token: ResumeTokenData, schedule: Schedule, now: number): ScheduleState {
  const { attempt, delayMs, prior } = token;
  const waited = Math.max(0, delayMs / Math.max(schedule.factor - 1, 0.01) - schedule.initialDelayMs);
  return { startedAt: token.startedAt ?? now - waited, attempt, delayMs, ...(prior && { prior }) };
}

type NumericOption =
  | 'initialDelayMs'
  | 'maxDelayMs'
  | 'factor'
  | 'maxConsecutiveFailures'
  | 'requestTimeoutMs'
  | 'timeoutMs'
  | 'expectedDurationMs';

function num(o: WaitOptions<never>, name: NumericOption, min: number, max: number): number {
  const value = o[name] ?? defaults[name as keyof typeof defaults];
  if (typeof value !== 'number' || !(value >= min && value <= max)) {
    throw new InvalidArgumentError(name, `${name} must be a number from ${min} to ${max}`);
  }
  return value;
}
