// How long an action usually takes, and where to check given that. Pure functions (no clock,
// no randomness, no I/O): the prior comes from executions already read, the placement from the
// prior and the run's age, so tests can pin every gap.
//
// The prior: the run times (dateEnded − dateStarted, in the server's clock) of the action's
// newest PRIOR_RUNS terminal executions; runs still going are ignored. Outliers (a run far from
// the others, e.g. one that hung once) are dropped by the median absolute deviation. With fewer
// than MIN_RUNS left there is no prior: the elapsed-time schedule applies, as for blocks.
//
// The placement: the kept runs, sorted, span the prior's window [shortest, longest], read as a
// distribution (linear between them). Each gap holds at most SHARE of the probability of
// completion that remains, between a floor and a cap: sparse checks before the window, close
// ones inside it. Once the run has outlived every kept run, there is no prior gap any more and
// the elapsed-time schedule takes over, so lateness never exceeds its bound from then on.

import type { ActionExecution } from '@mindzie/client';

/** How many of the newest executions make the prior. */
export const PRIOR_RUNS = 20;
/** Fewer kept runs than this: no prior. */
export const MIN_RUNS = 3;
/** Each gap inside the window holds at most this share of the remaining probability of completion. */
export const SHARE = 0.08;
/** Runs further than this many scaled MADs (or 5 % of the median, if more) from the median are outliers. */
const OUTLIER_MADS = 3;
const MAD_TO_SD = 1.4826;

/** Serialisable (it travels in resume tokens and through the fleet's coordinator). */
export interface DurationPrior {
  /** Kept run times in ms, shortest first (one to PRIOR_RUNS of them). */
  durationsMs: number[];
  /** How many past runs it came from (0: given as `expectedDurationMs`). */
  runs: number;
}

/** A prior read from outside (a resume token, the fleet's store): kept run times, shortest first. */
export function isDurationPrior(value: unknown): value is DurationPrior {
  const { durationsMs, runs } = (value ?? {}) as Partial<DurationPrior>;
  return (
    Array.isArray(durationsMs) &&
    durationsMs.length >= 1 &&
    durationsMs.length <= PRIOR_RUNS &&
    durationsMs.every(
      (d, i) => typeof d === 'number' && d >= 0 && Number.isFinite(d) && d >= (durationsMs[i - 1] ?? 0),
    ) &&
    typeof runs === 'number' &&
    Number.isInteger(runs) &&
    runs >= 0
  );
}

/** The median of the kept runs: what "usually takes" says. */
export function expectedMs(prior: DurationPrior): number {
  return median(prior.durationsMs);
}

/**
 * The prior from an action's executions (any order; the newest PRIOR_RUNS terminal ones count).
 * `undefined` when fewer than MIN_RUNS usable runs remain.
 */
export function priorFrom(
  executions: readonly Pick<ActionExecution, 'status' | 'dateStarted' | 'dateEnded'>[],
  isTerminal: (status: string) => boolean,
): DurationPrior | undefined {
  const runs: { started: number; ms: number }[] = [];
  for (const e of executions) {
    if (!e || typeof e.status !== 'string' || !isTerminal(e.status) || typeof e.dateEnded !== 'string') {
      continue;
    }
    const started = Date.parse(e.dateStarted);
    const ms = Date.parse(e.dateEnded) - started;
    if (Number.isFinite(ms) && ms >= 0) {
      runs.push({ started, ms });
    }
  }
  runs.sort((a, b) => b.started - a.started);
  const recent = runs.slice(0, PRIOR_RUNS).map((r) => r.ms);
  const kept = withoutOutliers(recent).sort((a, b) => a - b);
  return kept.length < MIN_RUNS ? undefined : { durationsMs: kept, runs: kept.length };
}

/** A prior the caller gave (`expectedDurationMs`): read as runs spread ±10 % around it. */
export function givenPrior(expected: number): DurationPrior {
  return { durationsMs: [0.9 * expected, expected, 1.1 * expected].map(Math.round), runs: 0 };
}

function withoutOutliers(durations: number[]): number[] {
  if (durations.length < MIN_RUNS) {
    return durations;
  }
  const mid = median(durations);
  const mad = median(durations.map((d) => Math.abs(d - mid)));
  const limit = Math.max(OUTLIER_MADS * MAD_TO_SD * mad, 0.05 * mid);
  return durations.filter((d) => Math.abs(d - mid) <= limit);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const half = sorted.length >> 1;
  return sorted.length % 2 ? sorted[half]! : (sorted[half - 1]! + sorted[half]!) / 2;
}

/** The bounds on a prior gap, from the schedule's shortest step and the prior. */
export function priorGapBounds(prior: DurationPrior, initialDelayMs: number): { floorMs: number; capMs: number } {
  const expected = expectedMs(prior);
  // Floor: one and a half of the schedule's shortest steps (a 30-s run's window gets about four
  // checks, not six), but never more than a fifth of a short run (a 2-s run's 0.4 s apart). Cap:
  // the reference loop's 5 s in shortest steps, or 10 % of a long run: a run a third as long as
  // usual is noticed within that.
  return {
    floorMs: Math.max(1, Math.min(1.5 * initialDelayMs, 0.2 * expected)),
    capMs: Math.max(5 * initialDelayMs, 0.1 * expected),
  };
}

/**
 * The gap (ms) from a check at `ageMs` (time since the run started) to the next one, or
 * `undefined` once the run has outlived the prior (the elapsed-time schedule then decides).
 */
export function priorGap(prior: DurationPrior, ageMs: number, initialDelayMs: number): number | undefined {
  const d = prior.durationsMs;
  const longest = d[d.length - 1]!;
  if (ageMs >= longest) {
    return undefined;
  }
  const { floorMs, capMs } = priorGapBounds(prior, initialDelayMs);
  const done = cdf(d, ageMs);
  const at = quantile(d, done + SHARE * (1 - done));
  // `at` is never past the window's end: only the floor may put the last check beyond it.
  return Math.max(floorMs, Math.min(at - ageMs, capMs));
}

/** Probability the run has ended by `t`, linear between the sorted runs. */
function cdf(sorted: readonly number[], t: number): number {
  const n = sorted.length;
  if (t < sorted[0]!) {
    return 0;
  }
  if (t >= sorted[n - 1]!) {
    return 1;
  }
  let i = 0;
  while (sorted[i + 1]! <= t) {
    i += 1;
  }
  return (i + (t - sorted[i]!) / (sorted[i + 1]! - sorted[i]!)) / (n - 1);
}

/** The time by which the run has ended with probability `p` (the inverse of cdf). */
function quantile(sorted: readonly number[], p: number): number {
  const n = sorted.length;
  if (n === 1) {
    return sorted[0]!;
  }
  const x = Math.min(1, Math.max(0, p)) * (n - 1);
  const i = Math.min(n - 2, Math.floor(x));
  return sorted[i]! + (x - i) * (sorted[i + 1]! - sorted[i]!);
}
