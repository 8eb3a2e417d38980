import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { addDeadline, type Expiring, removeDeadline } from './deadlines.js';
import { createLimiter } from './limiter.js';
import { pollUntil } from './poll-until.js';
import { MAX_TIMER_MS } from './signals.js';

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

/** A deadline that records when it expired. */
function expiring(deadline: number, expired: Array<[number, number]>): Expiring {
  return { deadline, slot: -1, expire: () => expired.push([deadline, Date.now()]) };
}

describe('deadlines', () => {
  it('holds one timer for any number of deadlines and expires each exactly at its time', async () => {
    const expired: Array<[number, number]> = [];
    const items = [3_000, 1_000, 2_000, 1_000].map((at) => expiring(at, expired));
    items.forEach(addDeadline);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(999);
    expect(expired).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(expired).toEqual([
      [1_000, 1_000],
      [1_000, 1_000],
    ]);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(expired.map(([, at]) => at)).toEqual([1_000, 1_000, 2_000, 3_000]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('does not expire a removed deadline, and clears the timer when none is left', async () => {
    const expired: Array<[number, number]> = [];
    const first = expiring(1_000, expired);
    const second = expiring(5_000, expired);
    addDeadline(first);
    addDeadline(second);
    removeDeadline(first); // the timer still fires at 1 s, finds nothing due and re-arms for 5 s
    removeDeadline(first); // twice is harmless
    await vi.advanceTimersByTimeAsync(4_999);
    expect(expired).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(expired).toEqual([[5_000, 5_000]]);
    const third = expiring(9_000, expired);
    addDeadline(third);
    removeDeadline(second);
    expect(vi.getTimerCount()).toBe(1);
    removeDeadline(expiring(1, expired)); // never added
    expect(vi.getTimerCount()).toBe(1);
    removeDeadline(third);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('is not held back by a deadline left over from another clock', async () => {
    const expired: Array<[number, number]> = [];
    const leftover = expiring(60_000, expired);
    addDeadline(leftover); // a test that never settles its wait, then swaps the fake clock
    vi.useRealTimers();
    vi.useFakeTimers({ now: 0 });
    addDeadline(expiring(100_000, expired));
    await vi.advanceTimersByTimeAsync(100_000);
    expect(expired).toEqual([
      [60_000, 60_000],
      [100_000, 100_000],
    ]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('re-arms in steps for a deadline beyond setTimeout range', async () => {
    const expired: Array<[number, number]> = [];
    const far = expiring(MAX_TIMER_MS + 5_000, expired);
    addDeadline(far);
    await vi.advanceTimersByTimeAsync(MAX_TIMER_MS);
    expect(expired).toEqual([]);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(expired).toEqual([[far.deadline, far.deadline]]);
  });

  it('lets a thousand queued waits share the deadline timer (plus the one request in flight)', async () => {
    const limiter = createLimiter({ maxConcurrent: 1 });
    const controller = new AbortController();
    const waits = Array.from({ length: 1_000 }, () =>
      pollUntil(
        () => new Promise<{ status: string }>(() => {}),
        () => false,
        { limiter, timeoutMs: 60_000, signal: controller.signal },
      ),
    );
    for (const w of waits) {
      w.catch(() => {});
    }
    await vi.advanceTimersByTimeAsync(0);
    expect(limiter.queued).toBe(999);
    expect(vi.getTimerCount()).toBe(2);
    controller.abort('done');
    await vi.advanceTimersByTimeAsync(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});
