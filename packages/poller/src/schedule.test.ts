import { describe, expect, it } from 'vitest';
import { nextDelay, type JitterMode, type Schedule, type ScheduleState } from './schedule.js';

const base: Schedule = { initialDelayMs: 1_000, factor: 2, maxDelayMs: 30_000, jitter: 'none' };

/** Every delay a schedule picks over `n` steps, with the given random source. */
function delays(schedule: Schedule, n: number, random: () => number, retryAfterMs?: number): number[] {
  let state: ScheduleState = { attempt: 0, delayMs: schedule.initialDelayMs };
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const step = nextDelay(schedule, state, retryAfterMs, random);
    out.push(step.delayMs);
    state = step.state;
  }
  return out;
}

/** A seeded generator, so a failing case can be replayed. */
function seeded(seed: number): () => number {
  return () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
}

describe('nextDelay', () => {
  it('grows by the factor from the initial delay and stops at the cap without jitter', () => {
    expect(delays(base, 8, Math.random)).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
  });

  it.each<[JitterMode, number, number]>([
    ['full', 0, 1],
    ['equal', 0.5, 1],
  ])('keeps every %s-jitter delay within [%s, %s] × the exponential step, cap included', (jitter, low, high) => {
    const random = seeded(7);
    const steps = delays(base, 40, () => 1);
    const seen = delays({ ...base, jitter }, 40, random);
    seen.forEach((delay, i) => {
      expect(delay).toBeGreaterThanOrEqual(Math.floor(steps[i]! * low));
      expect(delay).toBeLessThanOrEqual(Math.min(base.maxDelayMs, steps[i]! * high));
    });
    // The draws really vary (jitter is not a constant offset).
    expect(new Set(seen.slice(10)).size).toBeGreaterThan(20);
  });

  it('reaches both ends of the jitter range', () => {
    expect(delays({ ...base, jitter: 'full' }, 3, () => 0)).toEqual([0, 0, 0]);
    expect(delays({ ...base, jitter: 'equal' }, 3, () => 0)).toEqual([500, 1_000, 2_000]);
    expect(delays({ ...base, jitter: 'equal' }, 3, () => 1)).toEqual([1_000, 2_000, 4_000]);
  });

  it('keeps decorrelated delays between the initial delay and min(cap, previous × 2 × factor)', () => {
    const schedule: Schedule = { ...base, factor: 1.5, jitter: 'decorrelated' };
    let state: ScheduleState = { attempt: 0, delayMs: schedule.initialDelayMs };
    const random = seeded(11);
    for (let i = 0; i < 200; i++) {
      const step = nextDelay(schedule, state, undefined, random);
      expect(step.delayMs).toBeGreaterThanOrEqual(schedule.initialDelayMs);
      expect(step.delayMs).toBeLessThanOrEqual(Math.min(schedule.maxDelayMs, Math.round(state.delayMs * 3)));
      state = step.state;
    }
    expect(delays(schedule, 12, () => 1).at(-1)).toBe(30_000);
  });

  it('never waits less than a Retry-After, even when it exceeds the cap', () => {
    expect(delays(base, 3, Math.random, 45_000)).toEqual([45_000, 45_000, 45_000]);
  });

  it('keeps the longer schedule delay when Retry-After asks for less', () => {
    const seen = delays({ ...base, jitter: 'none' }, 6, Math.random, 3_000);
    expect(seen).toEqual([3_000, 3_000, 4_000, 8_000, 16_000, 30_000]);
  });

  it('spreads a Retry-After by at most a tenth when jitter is on, so told waits do not wake together', () => {
    const random = seeded(3);
    for (let i = 0; i < 100; i++) {
      const [delay] = delays({ ...base, jitter: 'equal', initialDelayMs: 10 }, 1, random, 5_000);
      expect(delay).toBeGreaterThanOrEqual(5_000);
      expect(delay).toBeLessThanOrEqual(5_500);
    }
  });

  it('continues from a saved position', () => {
    const resumed = nextDelay(base, { attempt: 3, delayMs: 4_000 }, undefined);
    expect(resumed).toEqual({ delayMs: 8_000, state: { attempt: 4, delayMs: 8_000 } });
  });
});
