import { InvalidArgumentError } from '@mindzie/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLimiter } from './limiter.js';

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

/** A task that takes `ms` of (fake) time and records when it started. */
function timedTask(ms: number, starts: number[], running: { now: number; peak: number }) {
  return () => {
    starts.push(Date.now());
    running.now += 1;
    running.peak = Math.max(running.peak, running.now);
    return new Promise<void>((resolve) =>
      setTimeout(() => {
        running.now -= 1;
        resolve();
      }, ms),
    );
  };
}

describe('createLimiter', () => {
  it('never runs more than maxConcurrent tasks at once and runs them in order', async () => {
    const limiter = createLimiter({ maxConcurrent: 3 });
    const starts: number[] = [];
    const running = { now: 0, peak: 0 };
    const order: number[] = [];
    const all = Array.from({ length: 10 }, (_, i) =>
      limiter.run(timedTask(100, starts, running)).then(() => order.push(i)),
    );
    expect(limiter.active).toBe(3);
    expect(limiter.queued).toBe(7);
    await vi.advanceTimersByTimeAsync(1_000);
    await Promise.all(all);
    expect(running.peak).toBe(3);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(starts).toEqual([0, 0, 0, 100, 100, 100, 200, 200, 200, 300]);
  });

  it('starts no more than maxPerSecond tasks per second after a burst of a tenth of that', async () => {
    const limiter = createLimiter({ maxConcurrent: 1_000, maxPerSecond: 50 });
    const starts: number[] = [];
    const running = { now: 0, peak: 0 };
    const all = Array.from({ length: 200 }, () => limiter.run(timedTask(1, starts, running)));
    await vi.advanceTimersByTimeAsync(10_000);
    await Promise.all(all);
    expect(starts.filter((t) => t === 0)).toHaveLength(5);
    for (let from = 0; from < 4_000; from += 250) {
      const inWindow = starts.filter((t) => t >= from && t < from + 1_000).length;
      expect(inWindow).toBeLessThanOrEqual(55);
    }
    expect(starts.at(-1)).toBeGreaterThanOrEqual(3_800); // 200 at 50/s take about 4 s
    expect(vi.getTimerCount()).toBe(0);
  });

  it('drops an aborted caller from the queue with the signal reason and leaves no timer', async () => {
    const limiter = createLimiter({ maxConcurrent: 1, maxPerSecond: 1 });
    const starts: number[] = [];
    const running = { now: 0, peak: 0 };
    const first = limiter.run(timedTask(10, starts, running));
    const controller = new AbortController();
    const second = limiter.run(timedTask(10, starts, running), controller.signal);
    expect(limiter.queued).toBe(1);
    controller.abort('not needed');
    await expect(second).rejects.toBe('not needed');
    expect(limiter.queued).toBe(0);
    await vi.advanceTimersByTimeAsync(10);
    await first;
    expect(starts).toEqual([0]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('passes on a task failure and keeps serving others', async () => {
    const limiter = createLimiter({ maxConcurrent: 1 });
    const boom = new Error('boom');
    await expect(limiter.run(() => Promise.reject(boom))).rejects.toBe(boom);
    await expect(
      limiter.run(() => {
        throw boom;
      }),
    ).rejects.toBe(boom);
    await expect(limiter.run(async () => 'ok')).resolves.toBe('ok');
    expect(limiter.active).toBe(0);
  });

  it('rejects bad limits with InvalidArgumentError', () => {
    expect(() => createLimiter({ maxConcurrent: 0 })).toThrow(InvalidArgumentError);
    expect(() => createLimiter({ maxPerSecond: -1 })).toThrow(InvalidArgumentError);
  });
});
