import { describe, expect, it } from 'vitest';
import { ApiError, InvalidArgumentError, NetworkError, NotFoundError, TimeoutError } from './errors.js';
import { sleep } from './internal/sleep.js';
import {
  BASE_DELAY_MS,
  isRetryable,
  MAX_DELAY_MS,
  MAX_RETRY_AFTER_MS,
  RETRYABLE_STATUSES,
  retryDelayMs,
} from './retry.js';

const request = { method: 'GET', path: '/api/x' };
const apiError = (status: number) => new ApiError('x', { status, body: '', request });

describe('which failures are retried (for requests safe to repeat)', () => {
  it('retries network errors, timeouts, 408, 429, 500, 502, 503 and 504', () => {
    expect(RETRYABLE_STATUSES).toEqual([408, 429, 500, 502, 503, 504]);
    expect(isRetryable(new NetworkError('reset'))).toBe(true);
    expect(isRetryable(new TimeoutError('slow'))).toBe(true);
    for (const status of RETRYABLE_STATUSES) {
      expect(isRetryable(apiError(status)), String(status)).toBe(true);
    }
  });

  it('does not retry other statuses, bad arguments or foreign errors', () => {
    for (const status of [400, 401, 403, 404, 409, 422, 501, 505]) {
      expect(isRetryable(apiError(status)), String(status)).toBe(false);
    }
    expect(isRetryable(new NotFoundError('x', { status: 404, body: {}, request, reason: undefined }))).toBe(false);
    expect(isRetryable(new InvalidArgumentError('actionId', 'bad'))).toBe(false);
    expect(isRetryable(new Error('bug'))).toBe(false);
  });
});

describe('how long to wait', () => {
  it('backs off exponentially with jitter inside [ceiling/2, ceiling], capped', () => {
    for (let attempt = 0; attempt < 8; attempt++) {
      const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** attempt);
      expect(retryDelayMs(attempt, undefined, () => 0)).toBe(ceiling / 2);
      expect(retryDelayMs(attempt, undefined, () => 1)).toBe(ceiling);
    }
    expect(retryDelayMs(20, undefined, () => 1)).toBe(MAX_DELAY_MS);
  });

  it('spreads clients out: random draws give different delays', () => {
    const delays = new Set(Array.from({ length: 50 }, () => retryDelayMs(2, undefined)));
    expect(delays.size).toBeGreaterThan(10);
  });

  it('waits exactly what Retry-After asks, and gives up when that is too long', () => {
    expect(retryDelayMs(0, 0)).toBe(0);
    expect(retryDelayMs(3, 2_000)).toBe(2_000);
    expect(retryDelayMs(0, MAX_RETRY_AFTER_MS)).toBe(MAX_RETRY_AFTER_MS);
    expect(retryDelayMs(0, MAX_RETRY_AFTER_MS + 1)).toBeUndefined();
  });
});

describe('sleep', () => {
  it('rejects with the abort reason, right away when already aborted', async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    const pending = sleep(60_000, controller.signal);
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    await expect(sleep(60_000, controller.signal)).rejects.toBe(reason);
  });

  it('resolves after the delay', async () => {
    await expect(sleep(1, undefined)).resolves.toBeUndefined();
  });
});
