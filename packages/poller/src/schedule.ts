// When to check next: capped exponential backoff with jitter, combined with a server's
// Retry-After. Pure arithmetic (randomness injected) so tests can pin every bound.

export type JitterMode = 'none' | 'full' | 'equal' | 'decorrelated';
export const jitterModes: readonly JitterMode[] = ['none', 'full', 'equal', 'decorrelated'];

export interface ScheduleOptions {
  /** Base of the backoff, and the first delay after an observation (default 1 000 ms). */
  initialDelayMs?: number;
  /** Growth per check (default 1.5). */
  factor?: number;
  /** The longest delay the schedule itself picks (default 30 000 ms, or `initialDelayMs` if longer); a server's Retry-After may ask for more. */
  maxDelayMs?: number;
  /**
   * `equal` (default): uniform in [½, 1] × the step; `full`: uniform in [0, 1] × the step;
   * `decorrelated`: min(cap, uniform(initial, previous × 2 × factor)), AWS's formula; `none`: the step.
   */
  jitter?: JitterMode;
}

export type Schedule = Required<ScheduleOptions>;

/** Where a schedule stands: how many delays it has picked and the last one. Serialisable. */
export interface ScheduleState {
  attempt: number;
  delayMs: number;
}

/** A Retry-After is padded by up to this fraction so waits told the same thing do not wake together. */
const RETRY_AFTER_SPREAD = 0.1;

/** The next delay and the state after it. `retryAfterMs` is a floor, never a replacement. */
export function nextDelay(
  schedule: Schedule,
  state: ScheduleState,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): { delayMs: number; state: ScheduleState } {
  const { initialDelayMs: initial, factor, maxDelayMs: cap, jitter } = schedule;
  const step = Math.min(cap, initial * factor ** state.attempt);
  let delay: number;
  if (jitter === 'full') delay = random() * step;
  else if (jitter === 'equal') delay = step / 2 + (random() * step) / 2;
  else if (jitter === 'decorrelated') {
    const upper = Math.max(initial, state.delayMs * 2 * factor);
    delay = Math.min(cap, initial + random() * (upper - initial));
  } else delay = step;
  delay = Math.round(delay);
  const next = { attempt: state.attempt + 1, delayMs: delay };
  if (retryAfterMs === undefined) return { delayMs: delay, state: next };
  const spread = jitter === 'none' ? 0 : random() * retryAfterMs * RETRY_AFTER_SPREAD;
  return { delayMs: Math.max(delay, Math.round(retryAfterMs + spread)), state: next };
}
