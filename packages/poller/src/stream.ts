// The poll loop. One stream polls one thing; every wait on that thing subscribes to it,
// so two waits on the same execution share one stream of requests. Each subscriber
// keeps its own deadline, signal and callbacks; the stream stops (aborting its request,
// clearing its timer, leaving the limiter's queue) the moment nobody is left.
import { ApiError, NetworkError, TimeoutError } from '@mindzie/client';
import { WaitTimeoutError } from './errors.js';
import type { Limiter } from './limiter.js';
import type { PollEvent, ResolvedWait, WaitOptions } from './options.js';
import { writeResumeToken, type ResumeTokenData } from './resume.js';
import { nextDelay, type Schedule, type ScheduleState } from './schedule.js';
import { follow, MAX_TIMER_MS, raceAbort } from './signals.js';

/** What a check receives: abort with `signal`; give up after `timeoutMs` (the time left, at most `requestTimeoutMs`). */
export interface CheckContext {
  signal: AbortSignal;
  timeoutMs: number;
  /** 1 for the first check of the stream. */
  attempt: number;
}

export interface StreamSpec<T> {
  check: (context: CheckContext) => Promise<T>;
  isDone: (value: T) => boolean;
  statusOf: (value: T) => string | undefined;
  isKnownStatus: (status: string) => boolean;
  schedule: Schedule;
  state: ScheduleState;
  maxConsecutiveFailures: number;
  requestTimeoutMs: number;
  limiter: Limiter | undefined;
  /** An answer already in hand (execute's): the first check waits one step of the schedule. */
  initial?: { value: T };
  /** Called once when the stream stops, before any subscriber settles. */
  onClose?: () => void;
}

/** The last check shortly before the deadline starts this long before it (at most): time for an answer. */
const FINAL_CHECK_LEAD_MS = 1_000;

type Outcome<T> = { value: T } | { error: unknown };

/** Transient: worth another check later. A 401, a 404, bad input or an unsupported answer is not. */
export function isTransient(error: unknown): boolean {
  if (error instanceof WaitTimeoutError) return false;
  if (error instanceof NetworkError) return true; // includes the client's per-request TimeoutError
  return error instanceof ApiError && (error.status === 408 || error.status === 429 || error.status >= 500);
}

interface Subscriber<T> {
  deadline: number;
  see(value: T): void;
  poll(event: Omit<PollEvent<T>, 'elapsedMs' | 'resumeToken'>): void;
  settle(outcome: Outcome<T>): void;
}

export class PollStream<T> {
  private readonly subscribers = new Set<Subscriber<T>>();
  private readonly controller = new AbortController();
  private last: { value: T } | undefined;
  private state: ScheduleState;
  private attempts = 0;
  private failures = 0;
  private lastStartAt = -Infinity;
  private kick: (() => void) | undefined;
  private started = false;

  constructor(private readonly spec: StreamSpec<T>) {
    this.state = spec.state;
    this.last = spec.initial;
  }

  private get closed(): boolean {
    return this.controller.signal.aborted;
  }

  /** The latest deadline of anyone still waiting: requests are bounded by it. */
  private deadline(): number {
    let latest = -Infinity;
    for (const s of this.subscribers) latest = Math.max(latest, s.deadline);
    return latest;
  }

  /** Joins the stream: resolves with the terminal value, or rejects (failure, timeout, abort). */
  subscribe(wait: ResolvedWait, options: WaitOptions<T>, tokenFields: Partial<ResumeTokenData> = {}): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const { signal, onPoll, onStatusChange, onUnknownStatus } = options;
      const startedAt = Date.now();
      const unknown = new Set<string>();
      let seen: { value: T; status: string } | undefined;
      let timer: ReturnType<typeof setTimeout> | undefined;
      let settled = false;

      const settle = (outcome: Outcome<T>) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.leave(sub);
        if ('value' in outcome) resolve(outcome.value);
        else reject(outcome.error);
      };
      // A callback that throws ends its own wait with that error, nobody else's.
      const call = (fn: () => void) => {
        try {
          fn();
        } catch (error) {
          settle({ error });
        }
      };
      const onAbort = () => settle({ error: signal!.reason });
      const sub: Subscriber<T> = {
        deadline: wait.deadline,
        settle,
        see: (value) => {
          if (settled) return;
          const status = this.spec.statusOf(value);
          if (status === undefined) return;
          if (!this.spec.isKnownStatus(status) && !unknown.has(status)) {
            unknown.add(status);
            if (onUnknownStatus) call(() => onUnknownStatus(status, value));
          }
          if (status !== seen?.status) {
            const previous = seen?.value;
            seen = { value, status };
            if (onStatusChange) call(() => onStatusChange(value, previous));
          }
        },
        poll: (event) => {
          if (!onPoll || settled) return;
          const { deadline } = wait;
          const token = writeResumeToken({ v: 1, ...tokenFields, deadline: deadline === Infinity ? null : deadline, ...this.state });
          call(() => onPoll({ ...event, elapsedMs: Date.now() - startedAt, resumeToken: token }));
        },
      };

      if (signal?.aborted) return reject(signal.reason);
      if (wait.deadline <= startedAt) return reject(new WaitTimeoutError(Math.max(0, wait.timeoutMs), this.last?.value));
      signal?.addEventListener('abort', onAbort, { once: true });
      const arm = () => {
        timer = setTimeout(() => {
          if (Date.now() >= wait.deadline) settle({ error: new WaitTimeoutError(wait.timeoutMs, this.last?.value) });
          else arm();
        }, Math.min(MAX_TIMER_MS, wait.deadline - Date.now()));
      };
      if (wait.deadline !== Infinity) arm();

      this.subscribers.add(sub);
      if (this.last) sub.see(this.last.value);
      this.kick?.(); // an idle stream may have time again under this deadline
      if (!this.started) {
        this.started = true;
        this.run().catch((error: unknown) => this.finish({ error }));
      }
    });
  }

  private leave(sub: Subscriber<T>): void {
    this.subscribers.delete(sub);
    if (this.subscribers.size === 0 && !this.closed) this.close();
  }

  private close(): void {
    this.controller.abort(new Error('poll stream closed'));
    this.spec.onClose?.();
  }

  private finish(outcome: Outcome<T>): void {
    if (!this.closed) this.close();
    for (const sub of [...this.subscribers]) sub.settle(outcome);
  }

  private async run(): Promise<void> {
    const { spec } = this;
    let wakeAt = Date.now();
    let floorAt = wakeAt;
    if (this.last) {
      if (spec.isDone(this.last.value)) return this.finish(this.last);
      wakeAt += this.advance(undefined);
    }
    for (;;) {
      const at = this.plan(wakeAt, floorAt);
      if (at === undefined || at > Date.now()) {
        await this.pause(at);
        if (this.closed) return;
        continue;
      }
      const outcome = await this.attempt();
      if (this.closed) return;
      if (outcome === undefined) continue; // the deadline passed in the limiter's queue: nothing more starts
      const now = Date.now();
      let ends = false;
      let retryAfterMs: number | undefined;
      if ('value' in outcome) {
        this.failures = 0;
        this.last = outcome;
        ends = spec.isDone(outcome.value);
      } else {
        ends = !isTransient(outcome.error) || ++this.failures > spec.maxConsecutiveFailures;
        if (outcome.error instanceof ApiError) retryAfterMs = outcome.error.retryAfterMs;
      }
      if (!ends) {
        wakeAt = now + this.advance(retryAfterMs);
        floorAt = now + (retryAfterMs ?? 0);
      }
      const next = ends ? undefined : this.plan(wakeAt, floorAt);
      const event = { attempt: this.attempts, ...outcome, nextDelayMs: next === undefined ? undefined : Math.max(0, next - now) };
      for (const sub of [...this.subscribers]) {
        sub.poll(event);
        if ('value' in outcome) sub.see(outcome.value);
      }
      if (ends) return this.finish(outcome);
      if (this.closed) return; // a callback ended the last wait
    }
  }

  /** Picks the next delay and moves the schedule on. */
  private advance(retryAfterMs: number | undefined): number {
    const step = nextDelay(this.spec.schedule, this.state, retryAfterMs);
    this.state = step.state;
    return step.delayMs;
  }

  /**
   * When the next check starts: on schedule if that leaves time for an answer before the
   * deadline; otherwise one last check just before it (never sooner than a Retry-After
   * allows, and not right after another); `undefined` when no check can start before
   * the deadline any more.
   */
  private plan(wakeAt: number, floorAt: number): number | undefined {
    const deadline = this.deadline();
    const lead = Math.min(FINAL_CHECK_LEAD_MS, this.spec.schedule.initialDelayMs);
    const finalAt = deadline - lead;
    if (wakeAt < finalAt) return wakeAt;
    const at = Math.max(floorAt, finalAt);
    // Worth it only if the previous check is not itself that close to the deadline.
    return at < deadline && this.lastStartAt < finalAt - lead ? at : undefined;
  }

  /** Sleeps until `at`, or (when undefined) until a new subscriber kicks; any abort ends it early. */
  private pause(at: number | undefined): Promise<void> {
    return new Promise<void>((resolve) => {
      const signal = this.controller.signal;
      if (signal.aborted) return resolve();
      const wake = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', wake);
        this.kick = undefined;
        resolve();
      };
      const timer = at === undefined ? undefined : setTimeout(wake, Math.min(MAX_TIMER_MS, Math.max(0, at - Date.now())));
      if (at === undefined) this.kick = wake;
      signal.addEventListener('abort', wake, { once: true });
    });
  }

  /** One check, through the limiter, bounded by the time left. `undefined`: no time was left to start it. */
  private async attempt(): Promise<Outcome<T> | undefined> {
    const task = async (): Promise<Outcome<T> | undefined> => {
      const now = Date.now();
      const left = this.deadline() - now;
      if (left <= 0) return undefined;
      this.lastStartAt = now;
      const timeoutMs = Math.max(1, Math.ceil(Math.min(this.spec.requestTimeoutMs, left)));
      const attempt = new AbortController();
      const unfollow = follow(this.controller.signal, attempt);
      const timer = setTimeout(() => attempt.abort(new TimeoutError(`Status check took longer than ${timeoutMs} ms`)), timeoutMs);
      try {
        this.attempts += 1;
        const check = Promise.resolve().then(() => this.spec.check({ signal: attempt.signal, timeoutMs, attempt: this.attempts }));
        return { value: await raceAbort(check, attempt.signal) };
      } finally {
        clearTimeout(timer);
        unfollow();
      }
    };
    try {
      return await (this.spec.limiter ? this.spec.limiter.run(task, this.controller.signal) : task());
    } catch (error) {
      return { error };
    }
  }
}
