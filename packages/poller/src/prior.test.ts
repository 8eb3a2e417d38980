import type { ActionExecutionStatus } from '@mindzie/client';
import { describe, expect, it } from 'vitest';
import {
  type DurationPrior,
  expectedMs,
  givenPrior,
  PRIOR_RUNS,
  priorFrom,
  priorGap,
  priorGapBounds,
} from './prior.js';
import { nextDelay, type Schedule, type ScheduleState } from './schedule.js';

const terminal = (status: string) => status === 'Completed' || status === 'Failed';
const T0 = Date.parse('2026-12-01T00:00:00Z');

/** An execution `ago` runs back (one an hour), `ms` long; `null` ms: still running. */
function run(ago: number, ms: number | null, status: ActionExecutionStatus = ms === null ? 'Running' : 'Completed') {
  const started = T0 - ago * 3_600_000;
  return {
    status,
    dateStarted: new Date(started).toISOString(),
    dateEnded: ms === null ? null : new Date(started + ms).toISOString(),
  };
}

/** `n` runs spread evenly over expected ± spread. */
function history(expected: number, spread: number, n = PRIOR_RUNS): DurationPrior {
  const durationsMs = Array.from({ length: n }, (_, i) =>
    Math.round(expected * (1 - spread + (2 * spread * i) / (n - 1))),
  );
  return { durationsMs, runs: n };
}

/** Checks from age 0 (execute's answer) until the run ends at `ends`: how many, and how late the last. */
function walk(prior: DurationPrior, ends: number, initial = 1_000) {
  const schedule: Schedule = { initialDelayMs: initial, factor: 1.2, maxDelayMs: 30_000, jitter: 'none' };
  let state: ScheduleState = { startedAt: 0, attempt: 0, delayMs: initial, prior: { ...prior, origin: 0 } };
  const gaps: number[] = [];
  let now = 0;
  while (now < ends) {
    const next = nextDelay(schedule, state, { now });
    gaps.push(next.delayMs);
    state = next.state;
    now += next.delayMs;
  }
  return { checks: gaps.length, lateMs: now - ends, gaps };
}

describe('priorFrom', () => {
  it('takes the newest terminal runs (completed and failed), ignoring runs still going', () => {
    const executions = [run(0, null), run(1, 60_000), run(2, 61_000, 'Failed'), run(3, 59_000), run(4, null, 'Queued')];
    expect(priorFrom(executions, terminal)).toEqual({ durationsMs: [59_000, 60_000, 61_000], runs: 3 });
  });

  it(`keeps only the newest ${PRIOR_RUNS} runs, whatever order the list comes in`, () => {
    const old = Array.from({ length: 30 }, (_, i) => run(100 + i, 10_000));
    const recent = Array.from({ length: PRIOR_RUNS }, (_, i) => run(i, 600_000 + i));
    const prior = priorFrom([...old, ...recent].reverse(), terminal)!;
    expect(prior.runs).toBe(PRIOR_RUNS);
    expect(Math.min(...prior.durationsMs)).toBe(600_000);
  });

  it('drops an outlier (one run that hung) but keeps two real modes', () => {
    const hung = [...Array.from({ length: 9 }, (_, i) => run(i, 60_000 + i * 100)), run(9, 3_600_000)];
    expect(Math.max(...priorFrom(hung, terminal)!.durationsMs)).toBe(60_800);
    const modes = Array.from({ length: 10 }, (_, i) => run(i, i % 2 ? 60_000 : 600_000));
    expect(priorFrom(modes, terminal)!.runs).toBe(10);
  });

  it('has no prior from fewer than three usable runs (no history, runs still going, bad dates)', () => {
    expect(priorFrom([], terminal)).toBeUndefined();
    expect(
      priorFrom([run(0, 1_000), run(1, null), { ...run(2, 1_000), dateEnded: 'never' }], terminal),
    ).toBeUndefined();
  });

  it('reads a given expectation as runs spread ±10 % around it', () => {
    const prior = givenPrior(600_000);
    expect(prior).toEqual({ durationsMs: [540_000, 600_000, 660_000], runs: 0 });
    expect(expectedMs(prior)).toBe(600_000);
  });
});

describe('priorGap', () => {
  const tenMinutes = history(600_000, 0.1);

  it('is the cap before the window and shrinks inside it', () => {
    const { floorMs, capMs } = priorGapBounds(tenMinutes, 1_000);
    expect([floorMs, capMs]).toEqual([1_500, 60_000]);
    expect(priorGap(tenMinutes, 0, 1_000)).toBe(60_000);
    // Inside the window each gap holds 8 % of what remains: later gaps are shorter.
    const early = priorGap(tenMinutes, 550_000, 1_000)!;
    const late = priorGap(tenMinutes, 630_000, 1_000)!;
    expect(early).toBeGreaterThan(late);
    expect(early).toBeCloseTo(0.08 * 110_000, -2);
    expect(priorGap(tenMinutes, 659_000, 1_000)).toBe(floorMs);
  });

  it('is the floor where the share of the remaining probability would be closer', () => {
    const thirty = history(30_000, 0.1);
    expect(priorGap(thirty, 28_000, 1_000)).toBe(1_500);
    // A short run's floor is a fifth of it: a 2-s run is checked about twice.
    expect(priorGapBounds(history(2_000, 0.1), 1_000).floorMs).toBe(400);
  });

  it('gives way to the elapsed-time schedule once the run has outlived every run in the prior', () => {
    expect(priorGap(tenMinutes, 660_000, 1_000)).toBeUndefined();
    const { gaps } = walk(tenMinutes, 1_800_000);
    // After the window the delays grow with the time waited, up to maxDelayMs: within max(1 s, 20 % waited).
    expect(gaps.at(-1)).toBe(30_000);
  });
});

describe('the schedule with a prior', () => {
  it('checks a stable 10-min run far less often than the 5-s loop and notices it within a few seconds', () => {
    const median = walk(history(600_000, 0.1), 600_000);
    expect(median.checks).toBeLessThanOrEqual(20); // the 5-s loop: 121
    expect(median.lateMs).toBeLessThanOrEqual(5_000);
    for (const ends of [545_000, 600_000, 655_000]) {
      const { checks, lateMs } = walk(history(600_000, 0.1), ends);
      expect(checks).toBeLessThanOrEqual(45); // the longest runs: 9 before the window, the rest 1.5 s apart
      expect(lateMs).toBeLessThanOrEqual(0.08 * 120_000); // at most one in-window gap
    }
  });

  it('checks a stable 2-s run at most twice, at most 0.4 s late', () => {
    for (const ends of [1_800, 2_000, 2_200]) {
      const { checks, lateMs } = walk(history(2_000, 0.1), ends);
      expect(checks).toBeLessThanOrEqual(2);
      expect(lateMs).toBeLessThanOrEqual(400);
    }
  });

  it('notices a run a third as long within the gap before the window (10 % of the expected duration)', () => {
    expect(walk(history(600_000, 0.1), 200_000).lateMs).toBeLessThanOrEqual(60_000);
  });

  it('notices a run three times as long within max(1 s, 20 % of the time waited) once past the prior', () => {
    const ends = 1_800_000;
    const { lateMs } = walk(history(600_000, 0.1), ends);
    expect(lateMs).toBeLessThanOrEqual(Math.max(1_000, 0.2 * (ends + lateMs)));
  });

  it('places checks around both modes of a history with two very different durations', () => {
    const modes: DurationPrior = { durationsMs: [...Array(5).fill(60_000), ...Array(5).fill(600_000)], runs: 10 };
    const short = walk(modes, 60_000);
    const long = walk(modes, 600_000);
    expect(short.lateMs).toBeLessThanOrEqual(6_000);
    expect(long.lateMs).toBeLessThanOrEqual(60_000);
    expect(long.checks).toBeLessThan(600 / 5);
  });

  it('keeps backing off from a failed check, and Retry-After stays a floor', () => {
    const schedule: Schedule = { initialDelayMs: 1_000, factor: 1.2, maxDelayMs: 30_000, jitter: 'none' };
    const state = { startedAt: 0, attempt: 3, delayMs: 8_000, prior: { ...history(600_000, 0.1), origin: 0 } };
    expect(nextDelay(schedule, state, { now: 10_000, failed: true }).delayMs).toBe(16_000);
    expect(nextDelay(schedule, state, { now: 600_000, retryAfterMs: 20_000 }).delayMs).toBe(20_000);
  });

  it('jitters only the gaps before the window, never lengthening them', () => {
    const schedule: Schedule = { initialDelayMs: 1_000, factor: 1.2, maxDelayMs: 30_000, jitter: 'equal' };
    const state = { startedAt: 0, attempt: 0, delayMs: 1_000, prior: { ...history(600_000, 0.1), origin: 0 } };
    expect(nextDelay(schedule, state, { now: 0 }, () => 0.999).delayMs).toBe(54_006);
    expect(nextDelay(schedule, state, { now: 0 }, () => 0).delayMs).toBe(60_000);
    expect(nextDelay(schedule, state, { now: 600_000 }, () => 0.999).delayMs).toBe(
      Math.round(priorGap(state.prior, 600_000, 1_000)!),
    );
  });
});
