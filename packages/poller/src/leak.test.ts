// Nothing is left behind: after success, failure, timeout or abort, no timer is pending
// (fake timers count them) and no request is in flight (a real server counts them).
import { ServerError, UnauthorizedError } from '@mindzie/client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ExecutionFailedError, WaitTimeoutError } from './errors.js';
import { createLimiter } from './limiter.js';
import { pollUntil } from './poll-until.js';
import { countingServer, eventually, executionJson, quick } from './test-support.js';
import { waitForActionExecution } from './waits.js';

const executionId = 'e0000000-0000-4000-8000-0000000000aa';
const request = { method: 'GET', path: '/x' };

describe('no timer left pending (fake timers)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  type Status = { status: string };
  const outcomes: Array<[string, (signal: AbortSignal) => Promise<Status>, (controller: AbortController) => void]> = [
    ['success', () => Promise.resolve({ status: 'Done' }), () => {}],
    ['failure', () => Promise.reject(new UnauthorizedError('401', { status: 401, body: '', request })), () => {}],
    [
      'budget spent',
      () => Promise.reject(new ServerError('503', { status: 503, body: '', request, retryAfterMs: 2_000 })),
      () => {},
    ],
    ['timeout', () => Promise.resolve({ status: 'Running' }), () => {}],
    ['abort mid-sleep', () => Promise.resolve({ status: 'Running' }), (c) => setTimeout(() => c.abort('stop'), 1_500)],
    ['abort mid-request', () => new Promise<Status>(() => {}), (c) => setTimeout(() => c.abort('stop'), 500)],
  ];

  it.each(outcomes)('after %s, with a rate-limited shared limiter and two waits', async (_, answer, act) => {
    vi.useFakeTimers({ now: 0 });
    const limiter = createLimiter({ maxConcurrent: 1, maxPerSecond: 2 });
    const controller = new AbortController();
    act(controller);
    const options = { limiter, signal: controller.signal, timeoutMs: 20_000, maxConsecutiveFailures: 2 };
    let settled = 0;
    for (let i = 0; i < 2; i++) {
      pollUntil<Status>(
        ({ signal }) => answer(signal),
        (v) => v.status === 'Done',
        options,
      )
        .finally(() => settled++)
        .catch(() => {});
    }
    // Step until both settle, then look at once: a timer left behind would still be pending.
    for (let t = 0; t < 30_000 && settled < 2; t += 10) {
      await vi.advanceTimersByTimeAsync(10);
    }
    expect(settled).toBe(2);
    expect(vi.getTimerCount()).toBe(0);
    expect(limiter.active + limiter.queued).toBe(0);
  });
});

describe('no request in flight and none sent afterwards (real server)', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  /**
   * Watches real timers set by the poller and the client: the set holds each one neither
   * fired nor cleared. (Node's fetch keeps a shared connection timer of its own: not ours.)
   */
  function trackTimers(): Set<unknown> {
    const pending = new Set<unknown>();
    const { setTimeout: realSet, clearTimeout: realClear } = globalThis;
    vi.spyOn(globalThis, 'setTimeout').mockImplementation(((
      fn: (...a: unknown[]) => void,
      ms?: number,
      ...args: unknown[]
    ) => {
      const handle = realSet(() => {
        pending.delete(handle);
        fn(...args);
      }, ms);
      if (!new Error().stack?.includes('undici')) {
        pending.add(handle);
      }
      return handle;
    }) as typeof setTimeout);
    vi.spyOn(globalThis, 'clearTimeout').mockImplementation((handle) => {
      pending.delete(handle);
      realClear(handle);
    });
    return pending;
  }

  async function settled<T>(promise: Promise<T>) {
    return promise.then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
  }

  it.each([
    ['success', 'Completed', {}, undefined],
    ['failure', 'Failed', {}, ExecutionFailedError],
    ['timeout (request stalled)', 'stall', { timeoutMs: 400 }, WaitTimeoutError],
    ['abort mid-request', 'stall', { abortWhenStalled: true }, null],
  ] as const)('after %s', async (_, final, extra, type) => {
    const controller = new AbortController();
    const server = await countingServer((_req, res, n) => {
      if (n < 3) {
        return void res.setHeader('content-type', 'application/json').end(executionJson(executionId, 'Running'));
      }
      // Never answers. The abort comes once the server holds the request, not after a fixed
      // delay: on a loaded machine a timed abort could land before the request arrived.
      if (final === 'stall') {
        return void ('abortWhenStalled' in extra && setTimeout(() => controller.abort('stop'), 20));
      }
      res.setHeader('content-type', 'application/json').end(executionJson(executionId, final));
    });
    const pending = trackTimers();
    try {
      const outcome = await settled(
        waitForActionExecution(server.client, executionId, {
          ...quick,
          prior: false, // status requests only: the history read is counted in prior-waits.test.ts
          requestTimeoutMs: 5_000,
          ...('timeoutMs' in extra ? { timeoutMs: extra.timeoutMs } : {}),
          signal: controller.signal,
        }),
      );
      if (type === undefined) {
        expect(outcome).toMatchObject({ value: { status: 'Completed' } });
      } else if (type === null) {
        expect(outcome).toEqual({ error: 'stop' });
      } else {
        expect((outcome as { error: unknown }).error).toBeInstanceOf(type);
      }
      await eventually(() => server.stats.inFlight === 0);
      expect(pending.size).toBe(0);
      // Counted as requests leave this process: one aborted on its way may still reach the server later.
      const sent = server.stats.sent;
      await new Promise((r) => setTimeout(r, 250));
      expect(server.stats.sent).toBe(sent);
    } finally {
      await server.close();
    }
  });

  it('keeps polling on the schedule past a status outside the enum, reports it once, never as success', async () => {
    const server = await countingServer((_req, res, n) => {
      res.setHeader('content-type', 'application/json').end(executionJson(executionId, n < 6 ? 'Paused' : 'Completed'));
    });
    try {
      const unknown: string[] = [];
      const statuses: string[] = [];
      const started = Date.now();
      const done = await waitForActionExecution(server.client, executionId, {
        ...quick,
        jitter: 'none',
        prior: false, // the elapsed-time schedule is what this measures; no history read
        onUnknownStatus: (status) => unknown.push(status),
        onStatusChange: (e) => statuses.push(e.status),
      });
      expect(done.status).toBe('Completed');
      expect(unknown).toEqual(['Paused']);
      expect(statuses).toEqual(['Paused', 'Completed']);
      expect(server.stats.total).toBe(6);
      // 40 + 40 + 60 + 90 + 135 ms of schedule between the six checks (half the time waited, plus 20 ms):
      // not a busy loop.
      expect(Date.now() - started).toBeGreaterThanOrEqual(365);
    } finally {
      await server.close();
    }
  });
});
