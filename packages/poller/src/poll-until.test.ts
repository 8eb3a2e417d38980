import {
  InvalidArgumentError,
  NetworkError,
  NotFoundError,
  RateLimitError,
  ServerError,
  TimeoutError,
  UnauthorizedError,
} from '@mindzie/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WaitTimeoutError } from './errors.js';
import { createLimiter } from './limiter.js';
import { checkWaitOptions } from './options.js';
import { type PollUntilOptions, pollUntil } from './poll-until.js';
import type { CheckContext } from './stream.js';

type Status = { status: string };
const request = { method: 'GET', path: '/api/t/p/actionexecution/x' };
const serverError = () => new ServerError('503', { status: 503, body: 'busy', request });
const rateLimited = (retryAfterMs?: number) =>
  new RateLimitError('429', { status: 429, body: '', request, retryAfterMs });

/** A check that answers the scripted statuses (the last one repeats) and records when and how it was called. */
function scripted(...answers: Array<string | Error>) {
  const calls: Array<{ at: number } & CheckContext> = [];
  const check = async (context: CheckContext): Promise<Status> => {
    calls.push({ at: Date.now(), ...context });
    const answer = answers[Math.min(calls.length - 1, answers.length - 1)]!;
    if (answer instanceof Error) {
      throw answer;
    }
    return { status: answer };
  };
  return { check, calls };
}

const isDone = (v: Status) => v.status === 'Completed' || v.status === 'Failed';
const fixed: PollUntilOptions<Status> = { jitter: 'none', initialDelayMs: 1_000, factor: 2, maxDelayMs: 30_000 };

/** Starts a wait and records how it settles, without an unhandled rejection in between. */
function start(promise: Promise<Status>) {
  const outcome: { value?: Status; error?: unknown; settled: boolean } = { settled: false };
  promise.then(
    (value) => Object.assign(outcome, { value, settled: true }),
    (error: unknown) => Object.assign(outcome, { error, settled: true }),
  );
  return outcome;
}

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('pollUntil schedule', () => {
  it('checks at once, then after each backoff step, and resolves with the terminal answer', async () => {
    const { check, calls } = scripted('Queued', 'Running', 'Running', 'Running', 'Completed');
    const result = start(pollUntil(check, isDone, fixed));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(result.value).toEqual({ status: 'Completed' });
    expect(calls.map((c) => c.at)).toEqual([0, 1_000, 3_000, 7_000, 15_000]);
  });

  it('keeps every gap within its equal-jitter bounds and under the cap', async () => {
    const { check, calls } = scripted('Running');
    const controller = new AbortController();
    const result = start(
      pollUntil(check, isDone, {
        ...fixed,
        jitter: 'equal',
        maxDelayMs: 8_000,
        timeoutMs: 120_000,
        signal: controller.signal,
      }),
    );
    await vi.advanceTimersByTimeAsync(100_000);
    controller.abort(new Error('enough'));
    await vi.advanceTimersByTimeAsync(0);
    expect(result.error).toEqual(new Error('enough'));
    const gaps = calls.slice(1).map((c, i) => ({ gap: c.at - calls[i]!.at, waited: calls[i]!.at }));
    expect(gaps.length).toBeGreaterThan(10);
    for (const { gap, waited } of gaps) {
      // The step of the time waited: (factor − 1) × (waited + initial), within [initial, cap].
      const step = Math.min(8_000, Math.max(1_000, waited + 1_000));
      expect(gap).toBeGreaterThanOrEqual(Math.floor(step / 2));
      expect(gap).toBeLessThanOrEqual(step);
    }
  });

  it('waits at least as long as Retry-After asks, then carries on with the schedule', async () => {
    const { check, calls } = scripted('Running', rateLimited(5_000), 'Running', 'Completed');
    const result = start(pollUntil(check, isDone, fixed));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(result.value).toEqual({ status: 'Completed' });
    // 0, +1 s (429 asks 5 s; the schedule says 2 s: 5 s wins), then the step of 6 s waited: 7 s.
    expect(calls.map((c) => c.at)).toEqual([0, 1_000, 6_000, 13_000]);
  });

  it('keeps polling on the schedule past an unknown status, reports it once, never takes it for success', async () => {
    const { check, calls } = scripted('Queued', 'Paused', 'Paused', 'Paused', 'Paused', 'Completed');
    const onUnknownStatus = vi.fn();
    const result = start(
      pollUntil(check, isDone, {
        ...fixed,
        knownStatuses: ['Queued', 'Running', 'Completed', 'Failed'],
        onUnknownStatus,
      }),
    );
    await vi.advanceTimersByTimeAsync(10_000);
    expect(result.settled).toBe(false);
    expect(calls.map((c) => c.at)).toEqual([0, 1_000, 3_000, 7_000]); // the schedule, not a busy loop
    expect(onUnknownStatus).toHaveBeenCalledTimes(1);
    expect(onUnknownStatus).toHaveBeenCalledWith('Paused', { status: 'Paused' });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(result.value).toEqual({ status: 'Completed' });
  });
});

describe('pollUntil failures', () => {
  it('tolerates transient failures up to the budget and resets it after an answer', async () => {
    const network = new NetworkError('reset');
    const { check, calls } = scripted(serverError(), network, 'Running', rateLimited(), serverError(), 'Completed');
    const result = start(pollUntil(check, isDone, { ...fixed, maxConsecutiveFailures: 2 }));
    await vi.advanceTimersByTimeAsync(120_000);
    expect(result.value).toEqual({ status: 'Completed' });
    expect(calls).toHaveLength(6);
  });

  it('gives up with the last transient error once the budget of consecutive failures is spent', async () => {
    const last = new NetworkError('connection reset');
    const { check, calls } = scripted(serverError(), serverError(), last);
    const result = start(pollUntil(check, isDone, { ...fixed, maxConsecutiveFailures: 2 }));
    await vi.advanceTimersByTimeAsync(120_000);
    expect(result.error).toBe(last);
    expect(calls).toHaveLength(3);
    expect(vi.getTimerCount()).toBe(0);
  });

  it.each([
    ['401', () => new UnauthorizedError('bad token', { status: 401, body: 'expired', request })],
    ['404', () => new NotFoundError('gone', { status: 404, body: {}, request, reason: "Can't find action" })],
    ['bad input', () => new InvalidArgumentError('executionId', 'executionId must be a GUID')],
  ])('ends at once on a %s with the typed error', async (_, make) => {
    const error = make();
    const { check, calls } = scripted('Running', error);
    const result = start(pollUntil(check, isDone, fixed));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(result.error).toBe(error);
    expect(calls).toHaveLength(2);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('pollUntil deadline', () => {
  it('rejects at the deadline with the last answer, after one last check just before it and none after', async () => {
    const { check, calls } = scripted('Queued', 'Running');
    const result = start(pollUntil(check, isDone, { ...fixed, timeoutMs: 10_000 }));
    await vi.advanceTimersByTimeAsync(9_999);
    expect(result.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(result.error).toBeInstanceOf(WaitTimeoutError);
    expect(result.error).toBeInstanceOf(TimeoutError);
    expect((result.error as WaitTimeoutError).lastSeen).toEqual({ status: 'Running' });
    // 0, 1 s, 3 s, 7 s; the next step (15 s) is past the deadline, so a last check at 9 s.
    expect(calls.map((c) => c.at)).toEqual([0, 1_000, 3_000, 7_000, 9_000]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toHaveLength(5);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('gives each check the time left before the deadline as its limit, at most requestTimeoutMs', async () => {
    const { check, calls } = scripted('Running');
    start(pollUntil(check, isDone, { ...fixed, timeoutMs: 10_000, requestTimeoutMs: 4_000 }));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls.map((c) => c.timeoutMs)).toEqual([4_000, 4_000, 4_000, 3_000, 1_000]);
  });

  it('ends a check that outlives its limit (a stall) and counts it as a transient failure', async () => {
    let calls = 0;
    const check = (): Promise<Status> =>
      ++calls === 1 ? new Promise<Status>(() => {}) : Promise.resolve({ status: 'Completed' });
    const onPoll = vi.fn();
    const result = start(pollUntil(check, isDone, { ...fixed, requestTimeoutMs: 2_000, onPoll }));
    await vi.advanceTimersByTimeAsync(2_000);
    expect(onPoll.mock.calls[0]![0].error).toBeInstanceOf(TimeoutError);
    expect(onPoll.mock.calls[0]![0].nextDelayMs).toBe(3_000); // the step of 2 s waited
    await vi.advanceTimersByTimeAsync(3_000);
    expect(result.value).toEqual({ status: 'Completed' });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('ends with WaitTimeoutError, not the check error, when a check is cut off right at the deadline', async () => {
    const cutOff = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new NetworkError('socket closed')), 5_000),
    );
    cutOff.catch(() => {});
    const check = () => cutOff; // fails exactly at the deadline, before the wait's own timer fires
    const result = start(pollUntil(check, isDone, { ...fixed, timeoutMs: 5_000, maxConsecutiveFailures: 0 }));
    await vi.advanceTimersByTimeAsync(5_000);
    expect(result.error).toBeInstanceOf(WaitTimeoutError);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('sends nothing when its deadline passes while it waits for a turn in the limiter', async () => {
    const limiter = createLimiter({ maxConcurrent: 1 });
    const busy = pollUntil(() => new Promise<Status>(() => {}), isDone, { ...fixed, limiter, timeoutMs: 10_000 });
    busy.catch(() => {});
    const { check, calls } = scripted('Completed');
    const result = start(pollUntil(check, isDone, { ...fixed, limiter, timeoutMs: 3_000 }));
    await vi.advanceTimersByTimeAsync(3_000);
    expect(result.error).toBeInstanceOf(WaitTimeoutError);
    expect(calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('does not wait for a Retry-After that ends past the deadline and sends nothing more', async () => {
    const { check, calls } = scripted(rateLimited(60_000), 'Completed');
    const result = start(pollUntil(check, isDone, { ...fixed, timeoutMs: 20_000 }));
    await vi.advanceTimersByTimeAsync(20_000);
    expect(result.error).toBeInstanceOf(WaitTimeoutError);
    expect(calls).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('pollUntil readings that throw', () => {
  it('rejects with the error of isDone or statusOf that throws (no unhandled rejection or endless wait)', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const bug = new Error('predicate bug');
      const throws = () => {
        throw bug;
      };
      const { check, calls } = scripted('Running');
      // No deadline: without the fix these waits would hang for good.
      const viaIsDone = start(pollUntil(check, throws, { ...fixed, timeoutMs: Infinity }));
      const viaStatusOf = start(pollUntil(check, isDone, { ...fixed, timeoutMs: Infinity, statusOf: throws }));
      await vi.advanceTimersByTimeAsync(60_000);
      expect(viaIsDone.error).toBe(bug);
      expect(viaStatusOf.error).toBe(bug);
      expect(calls).toHaveLength(2);
      expect(vi.getTimerCount()).toBe(0);
      // Unhandled rejections are reported after the microtasks.
      await new Promise((resolve) => process.nextTick(resolve));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
  });
});

describe('pollUntil abort', () => {
  it('rejects with the reason and never checks when the signal is already aborted', async () => {
    const { check, calls } = scripted('Completed');
    const reason = new Error('stop');
    await expect(pollUntil(check, isDone, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(calls).toHaveLength(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('never calls check when the signal aborts between the wait starting and its first check', async () => {
    const { check, calls } = scripted('Completed'); // ignores its signal, as a careless check may
    const controller = new AbortController();
    const result = start(pollUntil(check, isDone, { signal: controller.signal }));
    controller.abort('stop'); // synchronously: check is due a microtask later
    await vi.advanceTimersByTimeAsync(60_000);
    expect(result.error).toBe('stop');
    expect(calls).toHaveLength(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects with the reason mid-sleep, clears its timer and sends nothing more', async () => {
    const { check, calls } = scripted('Running');
    const controller = new AbortController();
    const result = start(pollUntil(check, isDone, { ...fixed, signal: controller.signal }));
    await vi.advanceTimersByTimeAsync(1_500);
    controller.abort('user cancelled');
    await vi.advanceTimersByTimeAsync(0);
    expect(result.error).toBe('user cancelled');
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toHaveLength(2);
  });

  it('rejects with the reason mid-request and aborts the request', async () => {
    let seen: AbortSignal | undefined;
    const check = ({ signal }: CheckContext) => {
      seen = signal;
      return new Promise<Status>(() => {}); // ignores its signal: the wait must not hang on it
    };
    const controller = new AbortController();
    const result = start(pollUntil(check, isDone, { signal: controller.signal }));
    await vi.advanceTimersByTimeAsync(100);
    controller.abort('gone');
    await vi.advanceTimersByTimeAsync(0);
    expect(result.error).toBe('gone');
    expect(seen?.aborted).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('pollUntil progress and resume', () => {
  it('reports every poll and every status change', async () => {
    const failure = serverError();
    const { check } = scripted('Queued', 'Queued', failure, 'Running', 'Completed');
    const onPoll = vi.fn();
    const onStatusChange = vi.fn();
    await Promise.all([
      pollUntil(check, isDone, { ...fixed, onPoll, onStatusChange }),
      vi.advanceTimersByTimeAsync(60_000),
    ]);
    expect(onPoll.mock.calls.map(([e]) => [e.attempt, e.value?.status ?? e.error, e.nextDelayMs])).toEqual([
      [1, 'Queued', 1_000],
      [2, 'Queued', 2_000],
      [3, failure, 4_000],
      [4, 'Running', 8_000],
      [5, 'Completed', undefined],
    ]);
    expect(onStatusChange.mock.calls.map(([v, p]) => [v.status, p?.status])).toEqual([
      ['Queued', undefined],
      ['Running', 'Queued'],
      ['Completed', 'Running'],
    ]);
  });

  it('ends only its own wait when a callback throws', async () => {
    const { check } = scripted('Running');
    const oops = new Error('callback bug');
    const result = start(
      pollUntil(check, isDone, {
        onStatusChange: () => {
          throw oops;
        },
      }),
    );
    await vi.advanceTimersByTimeAsync(0);
    expect(result.error).toBe(oops);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('carries on from a resume token with the same deadline and schedule position', async () => {
    const first = scripted('Running');
    const tokens: string[] = [];
    const controller = new AbortController();
    start(
      pollUntil(first.check, isDone, {
        ...fixed,
        timeoutMs: 60_000,
        signal: controller.signal,
        onPoll: (e) => tokens.push(e.resumeToken),
      }),
    );
    await vi.advanceTimersByTimeAsync(7_000); // checks at 0, 1, 3, 7 s
    controller.abort('process restarts');
    await vi.advanceTimersByTimeAsync(5_000);
    const token = tokens.at(-1)!;
    expect(JSON.parse(token)).toMatchObject({ v: 1, deadline: 60_000, startedAt: 0, attempt: 4, delayMs: 8_000 });

    const second = scripted('Running');
    const result = start(pollUntil(second.check, isDone, { ...fixed, resume: token }));
    await vi.advanceTimersByTimeAsync(60_000);
    // At once (12 s), then the steps of the time waited since the first wait began (13 s, then
    // 26 s); the next (30 s, the cap) passes the 60 s deadline: one last check at 59 s.
    expect(second.calls.map((c) => c.at)).toEqual([12_000, 25_000, 51_000, 59_000]);
    expect(result.error).toBeInstanceOf(WaitTimeoutError);
  });

  it('takes an initialDelayMs above the default cap without maxDelayMs: the cap is then initialDelayMs', async () => {
    const { check, calls } = scripted('Running', 'Running', 'Running', 'Completed');
    const result = start(pollUntil(check, isDone, { jitter: 'none', initialDelayMs: 60_000, timeoutMs: Infinity }));
    await vi.advanceTimersByTimeAsync(200_000);
    expect(result.value).toEqual({ status: 'Completed' });
    expect(calls.map((c) => c.at)).toEqual([0, 60_000, 120_000, 180_000]);
  });

  const badOptions = [
    ['initialDelayMs', { initialDelayMs: 0 }],
    ['factor', { factor: 0.5 }],
    ['maxDelayMs', { initialDelayMs: 5_000, maxDelayMs: 1_000 }],
    ['jitter', { jitter: 'random' }],
    ['timeoutMs', { timeoutMs: -1 }],
    ['maxConsecutiveFailures', { maxConsecutiveFailures: 1.5 }],
    ['onPoll', { onPoll: 'yes' }],
    ['resume', { resume: '{"v":2}' }],
  ] as const;

  it('rejects a bad option with InvalidArgumentError naming it, before any check', async () => {
    const { check, calls } = scripted('Completed');
    for (const [name, options] of badOptions) {
      const error = await pollUntil(check, isDone, options as never).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect((error as InvalidArgumentError).argument).toBe(name);
    }
    expect(calls).toHaveLength(0);
  });

  it('checkWaitOptions throws what a wait would reject with, and nothing for good options', () => {
    for (const [name, options] of badOptions) {
      expect(() => checkWaitOptions(options as never)).toThrow(
        expect.objectContaining({ name: 'InvalidArgumentError', argument: name }),
      );
    }
    expect(() => checkWaitOptions({ timeoutMs: 60_000, initialDelayMs: 60_000 })).not.toThrow();
    expect(() => checkWaitOptions(undefined)).not.toThrow();
  });
});
