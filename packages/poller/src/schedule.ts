// When to check next: a delay that grows with the time the wait has waited so far (not with
// the number of checks), capped, with jitter, combined with a server's Retry-After. Pure
// arithmetic (clock and randomness passed in) so tests can pin every bound.
//
// Why elapsed time: after an execution ends, a wait notices it at its next check, so the
// delay *is* the lateness. A delay of (factor − 1) × (time waited + one initial step) keeps
// that lateness within max(initialDelayMs, 20 % of the time waited) at the default factor
// 1.2, while the number of checks still grows only logarithmically with a run's length.
//
// With a duration prior (how long the action usually takes, prior.ts) the gaps come from the
// prior instead, until the run outlives it; a failed check still backs off as below.

import { type DurationPrior, priorGap } from './prior.js';

export type JitterMode = 'none' | 'full' | 'equal' | 'decorrelated';
export const jitterModes: readonly JitterMode[] = ['none', 'full', 'equal', 'decorrelated'];

export interface ScheduleOptions {
  /** The shortest step, and the first delay after an observation (default 1 000 ms). */
  initialDelayMs?: number;
  /**
   * Growth (default 1.2): each step is (factor − 1) × (the time waited so far + initialDelayMs),
   * between initialDelayMs and maxDelayMs. Without jitter that is ×factor per check.
   */
  factor?: number;
  /**
   * The longest delay the schedule itself picks (default 30 000 ms, or `initialDelayMs` if longer);
   * a server's Retry-After may ask for more.
   */
  maxDelayMs?: number;
  /**
   * `equal` (default): uniform in [½, 1] × the step; `full`: uniform in [0, 1] × the step;
   * `decorrelated`: uniform(initial, previous × 2 × factor), at most the step; `none`: the step.
   */
  jitter?: JitterMode;
}

export type Schedule = Required<ScheduleOptions>;

/** Where a schedule stands: when its wait began, how many delays it picked and the last one. Serialisable. */
export interface ScheduleState {
  /** Epoch ms the wait (its stream) began: the origin of the time waited. */
  startedAt: number;
  attempt: number;
  delayMs: number;
  /** How long the run usually takes, and when it started: the schedule places checks by it. */
  prior?: PriorState | undefined;
}

export interface PriorState extends DurationPrior {
  /** Epoch ms (this machine's clock) the run started: the origin of its age. */
  origin: number;
}

/** What the delay after one check depends on besides the schedule. */
export interface CheckOutcome {
  /** The clock (epoch ms) when the check was read. */
  now: number;
  /** The server's Retry-After, when it sent one: a floor, never a replacement. */
  retryAfterMs?: number | undefined;
  /** The check failed (a transient fault): back off from the last delay too (×2), whatever the time waited. */
  failed?: boolean;
}

/** Jitter shortens a gap before the prior's window by up to this fraction (inside it, checks land where placed). */
const PRIOR_SPREAD = 0.1;

/** A Retry-After is padded by up to this fraction so waits told the same thing do not wake together. */
const RETRY_AFTER_SPREAD = 0.1;

/** The step before jitter: the delay the lateness bound allows at this point of the wait. */
export function stepAt(schedule: Schedule, state: ScheduleState, outcome: CheckOutcome): number {
  const { initialDelayMs: initial, factor, maxDelayMs: cap } = schedule;
  const waited = Math.max(0, outcome.now - state.startedAt);
  let step = Math.max(initial, (factor - 1) * (waited + initial));
  // A failing server is given room: failures in a row double the delay (eight span minutes, not seconds).
  if (outcome.failed) {
    step = Math.max(step, state.delayMs * 2);
  }
  return Math.min(cap, step);
}

/** The next delay and the state after it. */
export function nextDelay(
  schedule: Schedule,
  state: ScheduleState,
  outcome: CheckOutcome,
  random: () => number = Math.random,
): { delayMs: number; state: ScheduleState } {
  const { initialDelayMs: initial, factor, jitter } = schedule;
  const step = stepAt(schedule, state, outcome);
  const { prior } = state;
  const age = prior ? outcome.now - prior.origin : 0;
  const gap = prior && !outcome.failed ? priorGap(prior, age, initial) : undefined;
  let delay: number;
  if (gap !== undefined) {
    const beforeWindow = age + gap < prior!.durationsMs[0]!;
    delay = jitter !== 'none' && beforeWindow ? gap * (1 - random() * PRIOR_SPREAD) : gap;
  } else if (jitter === 'full') {
    delay = random() * step;
  } else if (jitter === 'equal') {
    delay = step / 2 + (random() * step) / 2;
  } else if (jitter === 'decorrelated') {
    const upper = Math.max(initial, state.delayMs * 2 * factor);
    delay = Math.min(step, initial + random() * (upper - initial));
  } else {
    delay = step;
  }
  delay = Math.round(delay);
  const next = { ...state, attempt: state.attempt + 1, delayMs: delay };
  const { retryAfterMs } = outcome;
  if (retryAfterMs === undefined) {
    return { delayMs: delay, state: next };
  }
  const spread = jitter === 'none' ? 0 : random() * retryAfterMs * RETRY_AFTER_SPREAD;
  return { delayMs: Math.max(delay, Math.round(retryAfterMs + spread)), state: next };
}
