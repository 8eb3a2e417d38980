import { describe, expect, it } from 'vitest';
import { defaults } from './options.js';
import { type JitterMode, nextDelay, type Schedule, type ScheduleState, stepAt } from './schedule.js';

const base: Schedule = { initialDelayMs: 1_000, factor: 2, maxDelayMs: 30_000, jitter: 'none' };
const start = (schedule: Schedule): ScheduleState => ({ startedAt: 0, attempt: 0, delayMs: schedule.initialDelayMs });

/** Checks made on time from t = 0 until `until` (each answered at once): when each started, and each delay picked. */
function run(
  schedule: Schedule,
  until: number,
  random: () => number,
  options: { retryAfterMs?: number; failed?: boolean } = {},
) {
  let state = start(schedule);
  const at: number[] = [];
  const delays: number[] = [];
  for (let now = 0; now <= until; ) {
    at.push(now);
    const step = nextDelay(schedule, state, { now, ...options }, random);
    delays.push(step.delayMs);
    state = step.state;
    now += step.delayMs;
  }
  return { at, delays };
}

/** A seeded generator, so a failing case can be replayed. */
function seeded(seed: number): () => number {
  return () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
}

describe('nextDelay', () => {
  it('makes each step (factor − 1) × (time waited + one initial step), from the initial delay up to the cap', () => {
    // Without jitter the time waited doubles with factor 2: the steps double too.
    expect(run(base, 100_000, Math.random).delays.slice(0, 8)).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000,
    ]);
    // The default 1.2: one second until five seconds have passed, then +20 % a check.
    expect(run({ ...base, factor: 1.2 }, 15_000, Math.random).delays).toEqual([
      1_000, 1_000, 1_000, 1_000, 1_000, 1_200, 1_440, 1_728, 2_074, 2_488, 2_986,
    ]);
  });

  it('grows with the time waited, not with the number of checks: a late check gets the step of its time', () => {
    const state = { startedAt: 0, attempt: 1, delayMs: 1_000 };
    expect(stepAt(base, state, { now: 9_000 })).toBe(10_000);
    expect(stepAt(base, { ...state, attempt: 50 }, { now: 9_000 })).toBe(10_000);
    expect(stepAt(base, state, { now: 10 * 60_000 })).toBe(30_000);
  });

  it('is a fixed interval with factor 1', () => {
    expect(new Set(run({ ...base, factor: 1 }, 60_000, Math.random).delays)).toEqual(new Set([1_000]));
  });

  it.each<JitterMode>(['none', 'equal', 'full', 'decorrelated'])(
    'with the defaults and %s jitter, notices an end within max(1 s, 20 %% of the time waited), never after the cap',
    (jitter) => {
      const schedule: Schedule = { ...defaults, jitter };
      const random = seeded(5);
      for (let waited = 0; waited <= 3_600_000; waited += 997) {
        // An end just after a check at `waited` is seen by the next one, `delay` later.
        const { delayMs } = nextDelay(schedule, { startedAt: 0, attempt: 3, delayMs: 5_000 }, { now: waited }, random);
        expect(delayMs).toBeLessThanOrEqual(Math.max(1_000, 0.2 * (waited + delayMs)));
        expect(delayMs).toBeLessThanOrEqual(schedule.maxDelayMs);
      }
    },
  );

  it('sends at most half the requests of a fixed 5-s loop over a 10-minute run with the defaults', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const checks = run(defaults, 600_000, seeded(seed)).at.length;
      expect(checks).toBeLessThanOrEqual(60); // the 5-s loop: 120
      expect(checks).toBeGreaterThan(20);
    }
  });

  it.each<[JitterMode, number, number]>([
    ['full', 0, 1],
    ['equal', 0.5, 1],
  ])('keeps every %s-jitter delay within [%s, %s] × the step of its time, cap included', (jitter, low, high) => {
    const random = seeded(7);
    let state = start(base);
    const seen: number[] = [];
    for (let now = 0; seen.length < 40; ) {
      const step = stepAt(base, state, { now });
      const next = nextDelay({ ...base, jitter }, state, { now }, random);
      expect(next.delayMs).toBeGreaterThanOrEqual(Math.floor(step * low));
      expect(next.delayMs).toBeLessThanOrEqual(Math.min(base.maxDelayMs, Math.ceil(step * high)));
      seen.push(next.delayMs);
      state = next.state;
      now += Math.max(1, next.delayMs);
    }
    // The draws really vary (jitter is not a constant offset).
    expect(new Set(seen.slice(10)).size).toBeGreaterThan(20);
  });

  it('reaches both ends of the jitter range', () => {
    const first = (jitter: JitterMode, r: number) =>
      nextDelay({ ...base, jitter }, start(base), { now: 4_000 }, () => r).delayMs;
    expect(first('full', 0)).toBe(0);
    expect(first('equal', 0)).toBe(2_500);
    expect(first('equal', 1)).toBe(5_000);
  });

  it('keeps decorrelated delays between the initial delay and min(step, previous × 2 × factor)', () => {
    const schedule: Schedule = { ...base, factor: 1.5, jitter: 'decorrelated' };
    let state = start(schedule);
    const random = seeded(11);
    for (let now = 0, i = 0; i < 200; i++) {
      const next = nextDelay(schedule, state, { now }, random);
      expect(next.delayMs).toBeGreaterThanOrEqual(schedule.initialDelayMs);
      expect(next.delayMs).toBeLessThanOrEqual(
        Math.round(Math.min(stepAt(schedule, state, { now }), state.delayMs * 3)),
      );
      state = next.state;
      now += next.delayMs;
    }
    expect(state.delayMs).toBeGreaterThan(5 * schedule.initialDelayMs); // it does grow
  });

  it('doubles the delay while checks fail, whatever the time waited, up to the cap', () => {
    expect(run({ ...base, factor: 1.2 }, 120_000, Math.random, { failed: true }).delays.slice(0, 7)).toEqual([
      2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000,
    ]);
  });

  it('never waits less than a Retry-After, even when it exceeds the cap', () => {
    expect(run(base, 100_000, Math.random, { retryAfterMs: 45_000 }).delays).toEqual([45_000, 45_000, 45_000]);
  });

  it('keeps the longer schedule delay when Retry-After asks for less', () => {
    // 0: 1 s asked, 3 s told; 3 s: the step of 3 s waited is 4 s; then 8, 16, 30.
    expect(run(base, 60_000, Math.random, { retryAfterMs: 3_000 }).delays.slice(0, 5)).toEqual([
      3_000, 4_000, 8_000, 16_000, 30_000,
    ]);
  });

  it('spreads a Retry-After by at most a tenth when jitter is on, so told waits do not wake together', () => {
    const random = seeded(3);
    for (let i = 0; i < 100; i++) {
      const { delayMs } = nextDelay(
        { ...base, jitter: 'equal', initialDelayMs: 10 },
        start(base),
        { now: 0, retryAfterMs: 5_000 },
        random,
      );
      expect(delayMs).toBeGreaterThanOrEqual(5_000);
      expect(delayMs).toBeLessThanOrEqual(5_500);
    }
  });

  it('continues from a saved position: its origin, count and last delay', () => {
    const resumed = nextDelay(base, { startedAt: 1_000, attempt: 3, delayMs: 4_000 }, { now: 8_000 });
    expect(resumed).toEqual({ delayMs: 8_000, state: { startedAt: 1_000, attempt: 4, delayMs: 8_000 } });
  });
});
