// The poll loop. One stream polls one thing; every wait on that thing subscribes to it,
// so two waits on the same execution share one stream of requests. Each subscriber keeps
// its own deadline, signal and callbacks; the stream stops (aborting its request, clearing
// its timer, leaving the limiter's queue) the moment nobody is left.
// A process may watch thousands of executions, so the loop is a small state machine
// rather than an async function: a sleeping or queued stream holds one timer or one queue
// entry, and no promise, AbortController or listener.
import { ApiError, NetworkError, TimeoutError } from '@mindzie/client';
import { WaitTimeoutError } from './errors.js';
import { gateOf, type Gate, type Limiter } from './limiter.js';
import type { PollEvent, ResolvedWait, WaitOptions } from './options.js';
import { writeResumeToken, type ResumeTokenData } from './resume.js';
import { nextDelay, type ScheduleState } from './schedule.js';
import { MAX_TIMER_MS, offAbort, onAbort, raceAbort } from './signals.js';

/** What a check receives: abort with `signal`; give up after `timeoutMs` (the time left, at most `requestTimeoutMs`). */
export interface CheckContext {
  signal: AbortSignal;
  timeoutMs: number;
  /** 1 for the first check of the stream. */
  attempt: number;
}

/** How to read the answers of one kind of check; shared by every stream of that kind. */
export interface Reading<T> {
  isDone(value: T): boolean;
  statusOf(value: T): string | undefined;
  isKnownStatus(status: string): boolean;
  /** The error a terminal answer ends the wait with (unless the wait says `returnFailed`), if any. */
  failure?(value: T): Error | undefined;
}

/** Where a shared stream is registered, so it can take itself out when it stops. */
export interface Registration {
  map: Map<string, unknown>;
  key: string;
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

export class PollStream<T> {
  #subscribers: Subscriber<T>[] = [];
  readonly #gate: Gate | undefined;
  #state: ScheduleState;
  last: { value: T } | undefined;
  #attempts = 0;
  #failures = 0;
  #lastStartAt = -Infinity;
  /** When the schedule wants the next check, and the earliest a Retry-After allows it. */
  #wakeAt = Date.now();
  #floorAt = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #phase: 'new' | 'sleeping' | 'idle' | 'queued' | 'checking' | 'closed' = 'new';
  #inFlight: AbortController | undefined;

  readonly #check: (context: CheckContext) => Promise<T>;
  readonly #wait: ResolvedWait;
  readonly #registration: Registration | undefined;

  constructor(
    readonly reading: Reading<T>,
    check: (context: CheckContext) => Promise<T>,
    wait: ResolvedWait,
    limiter: Limiter | undefined,
    initial?: T,
    registration?: Registration,
  ) {
    this.#check = check;
    this.#wait = wait;
    this.#registration = registration;
    this.#gate = gateOf(limiter);
    this.#state = wait.state;
    if (initial !== undefined) this.last = { value: initial };
  }

  /** Joins the stream: resolves with the terminal value, or rejects (failure, timeout, abort). */
  subscribe(wait: ResolvedWait, options: WaitOptions<T>, tokenFields: Partial<ResumeTokenData> = {}): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const { signal } = options;
      const early = signal?.aborted ? signal.reason : wait.deadline <= Date.now() ? new WaitTimeoutError(Math.max(0, wait.timeoutMs), this.last?.value) : undefined;
      if (early !== undefined) {
        if (this.#subscribers.length === 0) this.#close(); // a stream nobody joined must not stay registered
        return reject(early);
      }
      const sub = new Subscriber(this, wait, options, tokenFields, resolve, reject);
      if (signal) onAbort(signal, sub);
      if (wait.deadline !== Infinity) sub.arm();
      this.#subscribers.push(sub);
      if (this.last) sub.see(this.last.value);
      if (this.#phase === 'new') this.#start();
      else if (this.#phase === 'idle') this.#step(); // there may be time again under this deadline
    });
  }

  leave(sub: Subscriber<T>): void {
    this.#subscribers = this.#subscribers.filter((s) => s !== sub);
    if (this.#subscribers.length === 0) this.#close();
  }

  /** The latest deadline of anyone still waiting: requests are bounded by it. */
  #deadline(): number {
    return Math.max(...this.#subscribers.map((s) => s.wait.deadline));
  }

  #start(): void {
    const initial = this.last;
    if (initial && this.reading.isDone(initial.value)) return this.#finish(initial);
    if (initial) this.#wakeAt += this.#advance(undefined);
    this.#step();
  }

  #close(): void {
    if (this.#phase === 'closed') return;
    const phase = this.#phase;
    this.#phase = 'closed';
    clearTimeout(this.#timer);
    if (phase === 'queued') this.#gate?.cancel(this.#go);
    this.#inFlight?.abort(new Error('Nobody waits for this status any more'));
    const r = this.#registration;
    if (r && r.map.get(r.key) === this) r.map.delete(r.key);
  }

  #finish(outcome: Outcome<T>): void {
    this.#close();
    for (const sub of this.#subscribers) sub.settle(outcome);
  }

  /** Decides what happens next: sleep, go idle (no check fits before the deadline), or check. */
  readonly #step = (): void => {
    if (this.#phase === 'closed') return;
    const at = this.#plan();
    if (at === undefined) {
      this.#phase = 'idle'; // the subscribers' deadline timers end it, unless a later deadline joins
    } else if (at > Date.now()) {
      this.#phase = 'sleeping';
      this.#timer = setTimeout(this.#step, Math.min(MAX_TIMER_MS, at - Date.now()));
    } else if (this.#gate) {
      this.#phase = 'queued';
      this.#gate.enter(this.#go);
    } else this.#go();
  };

  /** Our turn (in the limiter, if any): one status request. */
  readonly #go = (): void => {
    this.#phase = 'checking';
    void this.#request().then((outcome) => {
      this.#gate?.leave();
      if (this.#phase !== 'closed') this.#handle(outcome);
    });
  };

  /**
   * When the next check starts: on schedule if that leaves time for an answer before the
   * deadline; otherwise one last check just before it (never sooner than a Retry-After
   * allows, and not right after another); `undefined` when no check can start before
   * the deadline any more.
   */
  #plan(): number | undefined {
    const deadline = this.#deadline();
    if (Date.now() >= deadline) return undefined;
    const lead = Math.min(FINAL_CHECK_LEAD_MS, this.#wait.schedule.initialDelayMs);
    const finalAt = deadline - lead;
    if (this.#wakeAt < finalAt) return this.#wakeAt;
    const at = Math.max(this.#floorAt, finalAt);
    return at < deadline && this.#lastStartAt < finalAt - lead ? at : undefined;
  }

  /** Picks the next delay and moves the schedule on. */
  #advance(retryAfterMs: number | undefined): number {
    const step = nextDelay(this.#wait.schedule, this.#state, retryAfterMs);
    this.#state = step.state;
    return step.delayMs;
  }

  /** One status request, bounded by the time left before the latest deadline. Never rejects. */
  async #request(): Promise<Outcome<T> | undefined> {
    const now = Date.now();
    const left = this.#deadline() - now;
    if (left <= 0) return undefined; // the deadline passed in the limiter's queue: nothing more starts
    this.#lastStartAt = now;
    const timeoutMs = Math.max(1, Math.ceil(Math.min(this.#wait.requestTimeoutMs, left)));
    const controller = (this.#inFlight = new AbortController());
    const timer = setTimeout(() => controller.abort(new TimeoutError(`Status check took longer than ${timeoutMs} ms`)), timeoutMs);
    try {
      this.#attempts += 1;
      const answer = Promise.resolve().then(() => this.#check({ signal: controller.signal, timeoutMs, attempt: this.#attempts }));
      return { value: await raceAbort(answer, controller.signal) };
    } catch (error) {
      return { error };
    } finally {
      clearTimeout(timer);
      this.#inFlight = undefined;
    }
  }

  /** Reads one check's outcome: tells the subscribers, then ends or plans the next check. */
  #handle(outcome: Outcome<T> | undefined): void {
    if (outcome === undefined) return this.#step();
    const now = Date.now();
    let ends: boolean;
    let retryAfterMs: number | undefined;
    if ('value' in outcome) {
      this.#failures = 0;
      this.last = outcome;
      ends = this.reading.isDone(outcome.value);
    } else {
      // A check cut off by the deadline is the deadline's doing: the subscribers' timers,
      // due now, end the wait with WaitTimeoutError, not with this check's own error.
      if (now >= this.#deadline()) return this.#step();
      ends = !isTransient(outcome.error) || ++this.#failures > this.#wait.maxConsecutiveFailures;
      if (outcome.error instanceof ApiError) retryAfterMs = outcome.error.retryAfterMs;
    }
    if (!ends) {
      this.#wakeAt = now + this.#advance(retryAfterMs);
      this.#floorAt = now + (retryAfterMs ?? 0);
    }
    const next = ends ? undefined : this.#plan();
    const event = { attempt: this.#attempts, ...outcome, nextDelayMs: next === undefined ? undefined : Math.max(0, next - now) };
    for (const sub of this.#subscribers) {
      sub.poll(event);
      if ('value' in outcome) sub.see(outcome.value);
    }
    if (ends) this.#finish(outcome);
    else this.#step(); // a no-op if a callback ended the last wait
  }

  /** For a subscriber's resume token: the schedule position now. */
  position(): ScheduleState {
    return this.#state;
  }
}

/** One wait on a stream: its deadline, signal and callbacks. */
class Subscriber<T> {
  readonly #startedAt = Date.now();
  #seen: { value: T; status: string } | undefined;
  #unknown: Set<string> | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #settled = false;

  readonly #stream: PollStream<T>;
  readonly #options: WaitOptions<T> & { returnFailed?: boolean };
  readonly #tokenFields: Partial<ResumeTokenData>;
  readonly #resolve: (value: T) => void;
  readonly #reject: (error: unknown) => void;

  constructor(
    stream: PollStream<T>,
    readonly wait: ResolvedWait,
    options: WaitOptions<T> & { returnFailed?: boolean },
    tokenFields: Partial<ResumeTokenData>,
    resolve: (value: T) => void,
    reject: (error: unknown) => void,
  ) {
    this.#stream = stream;
    this.#options = options;
    this.#tokenFields = tokenFields;
    this.#resolve = resolve;
    this.#reject = reject;
  }

  /** The deadline timer, re-armed in steps when the deadline is beyond setTimeout's range. */
  arm(): void {
    this.#timer = setTimeout(this.#expire, Math.min(MAX_TIMER_MS, this.wait.deadline - Date.now()));
  }

  readonly #expire = (): void => {
    if (Date.now() < this.wait.deadline) return this.arm();
    this.settle({ error: new WaitTimeoutError(this.wait.timeoutMs, this.#stream.last?.value) });
  };

  /** The signal aborted (called by `onAbort`). */
  handleEvent(): void {
    this.settle({ error: this.#options.signal!.reason });
  }

  settle(outcome: Outcome<T>): void {
    if (this.#settled) return;
    this.#settled = true;
    clearTimeout(this.#timer);
    if (this.#options.signal) offAbort(this.#options.signal, this);
    this.#stream.leave(this);
    if (!('value' in outcome)) return this.#reject(outcome.error);
    const failure = this.#options.returnFailed ? undefined : this.#stream.reading.failure?.(outcome.value);
    if (failure) this.#reject(failure);
    else this.#resolve(outcome.value);
  }

  see(value: T): void {
    const { statusOf, isKnownStatus } = this.#stream.reading;
    const status = statusOf(value);
    if (this.#settled || status === undefined) return;
    const { onUnknownStatus, onStatusChange } = this.#options;
    if (!isKnownStatus(status) && !this.#unknown?.has(status)) {
      (this.#unknown ??= new Set()).add(status);
      if (onUnknownStatus) this.#call(() => onUnknownStatus(status, value));
    }
    if (status !== this.#seen?.status) {
      const previous = this.#seen?.value;
      this.#seen = { value, status };
      if (onStatusChange) this.#call(() => onStatusChange(value, previous));
    }
  }

  poll(event: Omit<PollEvent<T>, 'elapsedMs' | 'resumeToken'>): void {
    const { onPoll } = this.#options;
    if (!onPoll || this.#settled) return;
    const { deadline } = this.wait;
    const resumeToken = writeResumeToken({ v: 1, ...this.#tokenFields, deadline: deadline === Infinity ? null : deadline, ...this.#stream.position() });
    this.#call(() => onPoll({ ...event, elapsedMs: Date.now() - this.#startedAt, resumeToken }));
  }

  /** A callback that throws ends its own wait with that error, nobody else's. */
  #call(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.settle({ error });
    }
  }
}
