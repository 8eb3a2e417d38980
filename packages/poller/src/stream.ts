// The poll loop. One stream polls one thing; every wait on that thing subscribes to it,
// so two waits on the same execution share one stream of requests. Each subscriber keeps
// its own deadline, signal and callbacks; the stream stops (aborting its request, clearing
// its timer, leaving the limiter's queue) the moment nobody is left.
// A process may watch thousands of executions, so the loop is a small state machine
// rather than an async function: a sleeping stream holds one Timeout, a queued one is
// itself the entry in the limiter's queue; neither holds a promise, AbortController or
// listener. Each wait's deadline is an entry in one shared list (deadlines.ts).
import { ApiError, TimeoutError } from '@mindzie/client';
import type { CheckContext } from './check-context.js';
import type { FleetMember, FleetPoll } from './coordinator.js';
import { addDeadline, type Expiring, removeDeadline } from './deadlines.js';
import { WaitTimeoutError } from './errors.js';
import { isTransient } from './failures.js';
import { type Gate, gateOf, type Limiter, type Turn } from './limiter.js';
import type { PollEvent, ResolvedWait, WaitOptions } from './options.js';
import { expectedMs } from './prior.js';
import { type ResumeTokenData, writeResumeToken } from './resume.js';
import { type CheckOutcome, nextDelay, type PriorState, type Schedule, type ScheduleState } from './schedule.js';
import { MAX_TIMER_MS, offAbort, onAbort, raceAbort } from './signals.js';

export type { CheckContext };

/** What a stream polls: how to ask once and how to read the answers. */
export interface Source<T> {
  readonly reading: Reading<T>;
  check(context: CheckContext): Promise<T>;
  /** Names it in resume tokens (pollUntil's have none). */
  ids?(): Partial<ResumeTokenData>;
  /** Takes a shared stream out of its registry when it stops. */
  release?(stream: PollStream<T>): void;
}

/** Finds how long the run usually takes, given its first answer; asked once per stream. */
export type PriorLoader<T> = (value: T) => Promise<PriorState | undefined> | undefined;

/** How to read the answers of one kind of check; shared by every stream of that kind. */
export interface Reading<T> {
  isDone(value: T): boolean;
  statusOf(value: T): string | undefined;
  isKnownStatus(status: string): boolean;
  /** The error a terminal answer ends the wait with (unless the wait says `returnFailed`), if any. */
  failure?(value: T): Error | undefined;
}

/** The last check shortly before the deadline starts this long before it (at most): time for an answer. */
const FINAL_CHECK_LEAD_MS = 1_000;

type Outcome<T> = { value: T } | { error: unknown };

export class PollStream<T> implements Turn, FleetMember {
  /** The waits on this stream in the order they joined, linked through `next` (no array for the usual one). */
  #first: Subscriber<T> | undefined;
  readonly #gate: Gate | undefined;
  /** The first wait's schedule and limits: a stream keeps these fields, not the wait's options. */
  readonly #schedule: Schedule;
  readonly #maxConsecutiveFailures: number;
  readonly #requestTimeoutMs: number;
  /** Where the schedule stands (read for resume tokens). */
  position: ScheduleState;
  last: { value: T } | undefined;
  #attempts = 0;
  #failures = 0;
  #lastStartAt: number | undefined;
  /** When the schedule wants the next check (0: at once), and the earliest a Retry-After allows it. */
  #wakeAt = 0;
  #floorAt = 0;
  #phase: 'new' | 'sleeping' | 'idle' | 'queued' | 'checking' | 'closed' = 'new';
  #inFlight: AbortController | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Set by a coordinator: the fleet's poll of this execution, which then takes the budget itself. */
  fleet: FleetPoll | undefined;
  /** Asked for the prior at the first answer (then dropped): unset when the position has one or none is wanted. */
  #loadPrior: PriorLoader<T> | undefined;

  constructor(
    readonly source: Source<T>,
    wait: ResolvedWait,
    limiter: Limiter | undefined,
    initial?: T,
    loadPrior?: PriorLoader<T>,
  ) {
    this.#schedule = wait.schedule;
    this.#maxConsecutiveFailures = wait.maxConsecutiveFailures;
    this.#requestTimeoutMs = wait.requestTimeoutMs;
    this.#gate = gateOf(limiter);
    this.position = wait.state;
    this.#loadPrior = wait.state.prior ? undefined : loadPrior;
    if (initial !== undefined) {
      this.last = { value: initial };
    }
  }

  /** Asks for the prior once, with the first answer; when it comes, the next check is placed by it. */
  #askPrior(value: T): void {
    const load = this.#loadPrior;
    this.#loadPrior = undefined;
    void load?.(value)?.then((prior) => {
      if (!prior || this.#phase === 'closed') {
        return;
      }
      this.position = { ...this.position, prior };
      if (this.#phase === 'sleeping' || this.#phase === 'idle') {
        // Planned without it: placed again from now (a check under way is placed when it answers).
        clearTimeout(this.#timer);
        const now = Date.now();
        this.#wakeAt = now + this.#advance({ now });
        this.#step();
      }
    });
  }

  /**
   * Joins the stream (from a promise's executor): `resolve` gets the terminal value, `reject`
   * the failure, timeout or abort.
   */
  join(
    wait: ResolvedWait,
    options: WaitOptions<T>,
    resolve: (value: T) => void,
    reject: (error: unknown) => void,
  ): void {
    const { signal } = options;
    const early = signal?.aborted
      ? signal.reason
      : wait.deadline <= Date.now()
        ? new WaitTimeoutError(Math.max(0, wait.timeoutMs), this.last?.value)
        : undefined;
    if (early !== undefined) {
      if (this.#first === undefined) {
        this.#close(); // a stream nobody joined must not stay registered
      }
      reject(early);
      return;
    }
    const sub = new Subscriber(this, wait, options, resolve, reject);
    if (signal) {
      onAbort(signal, sub);
    }
    if (wait.deadline !== Infinity) {
      addDeadline(sub);
    }
    let tail = this.#first;
    while (tail?.next) {
      tail = tail.next;
    }
    if (tail) {
      tail.next = sub;
    } else {
      this.#first = sub;
    }
    if (this.last) {
      sub.see(this.last.value);
    }
    if (this.#phase === 'new') {
      this.#start();
    } else if (this.#phase === 'sleeping' || this.#phase === 'idle') {
      // Planned again with this deadline: it may need its last check before the stream's next one.
      clearTimeout(this.#timer);
      this.#step();
    }
  }

  /** Unlinks `sub`; its own `next` stays, so a loop standing on it carries on. */
  leave(sub: Subscriber<T>): void {
    if (this.#first === sub) {
      this.#first = sub.next;
    }
    for (let s = this.#first; s; s = s.next) {
      if (s.next === sub) {
        s.next = sub.next;
      }
    }
    if (this.#first === undefined) {
      this.#close();
    }
  }

  /** The latest deadline of anyone still waiting: requests are bounded by it. */
  #deadline(): number {
    let latest = -Infinity;
    for (let s = this.#first; s; s = s.next) {
      latest = Math.max(latest, s.deadline);
    }
    return latest;
  }

  #start(): void {
    const initial = this.last;
    if (initial && this.source.reading.isDone(initial.value)) {
      this.#finish(initial);
      return;
    }
    if (initial) {
      this.#wakeAt = Date.now() + this.#advance({ now: Date.now() });
      this.#askPrior(initial.value);
    }
    this.#step();
  }

  #close(): void {
    if (this.#phase === 'closed') {
      return;
    }
    const phase = this.#phase;
    this.#phase = 'closed';
    clearTimeout(this.#timer);
    if (phase === 'queued') {
      this.#gate?.cancel(this);
    }
    this.#inFlight?.abort(new Error('Nobody waits for this status any more'));
    this.fleet?.leave();
    this.source.release?.(this);
  }

  #finish(outcome: Outcome<T>): void {
    this.#close();
    for (let s = this.#first; s; s = s.next) {
      s.settle(outcome);
    }
  }

  /** Decides what happens next: sleep, go idle (no check fits before the deadline), or check. */
  #step(): void {
    if (this.#phase === 'closed') {
      return;
    }
    const at = this.#plan();
    if (at === undefined) {
      this.#phase = 'idle'; // the subscribers' deadline timers end it, unless a later deadline joins
    } else if (at > Date.now()) {
      this.#phase = 'sleeping';
      this.#timer = setTimeout(this.#step.bind(this), Math.min(MAX_TIMER_MS, at - Date.now()));
    } else if (this.#gate && !this.fleet) {
      this.#phase = 'queued';
      this.#gate.enter(this);
    } else {
      this.go();
    }
  }

  /** Our turn (the limiter's call, if there is one): one status request. */
  go(): void {
    this.#phase = 'checking';
    void this.#request().then((outcome) => {
      if (!this.fleet) {
        this.#gate?.leave();
      }
      if (this.#phase === 'closed') {
        return;
      }
      try {
        this.#handle(outcome);
      } catch (error) {
        // A reading that throws (a predicate's bug, an answer it cannot read) ends the stream:
        // every wait rejects with that error instead of it escaping unhandled while they hang.
        this.#finish({ error });
      }
    });
  }

  /**
   * When the next check starts: on schedule if that leaves time for an answer before some
   * wait's deadline; and for each wait whose deadline comes before the scheduled check, one
   * last check just before that deadline (never sooner than a Retry-After allows, and not
   * right after another check it saw). The earliest of these; `undefined` when no check can
   * start before any deadline any more.
   */
  #plan(): number | undefined {
    const now = Date.now();
    const lead = Math.min(FINAL_CHECK_LEAD_MS, this.#schedule.initialDelayMs);
    const last = this.#lastStartAt ?? -Infinity;
    let next = Infinity;
    for (let s = this.#first; s; s = s.next) {
      const { deadline } = s;
      if (now >= deadline) {
        continue;
      }
      const finalAt = deadline - lead;
      if (this.#wakeAt < finalAt) {
        next = Math.min(next, this.#wakeAt);
      } else {
        const at = Math.max(this.#floorAt, finalAt);
        // A check that started before this wait joined was not one it waited through.
        if (at < deadline && (last < finalAt - lead || last < s.startedAt)) {
          next = Math.min(next, at);
        }
      }
    }
    return next === Infinity ? undefined : next;
  }

  /** Picks the next delay and moves the schedule on. */
  #advance(outcome: CheckOutcome): number {
    const step = nextDelay(this.#schedule, this.position, outcome);
    this.position = step.state;
    return step.delayMs;
  }

  /** One status request, bounded by the time left before the latest deadline. Never rejects. */
  async #request(): Promise<Outcome<T> | undefined> {
    const now = Date.now();
    const left = this.#deadline() - now;
    if (left <= 0) {
      return undefined; // the deadline passed in the limiter's queue: nothing more starts
    }
    // The wait this check was planned for may have left while it queued in the limiter: then it
    // is nobody's due yet, and the stream plans again instead of sending it.
    const due = this.#plan();
    if (due === undefined || due > now) {
      return undefined;
    }
    this.#lastStartAt = now;
    const timeoutMs = Math.max(1, Math.ceil(Math.min(this.#requestTimeoutMs, left)));
    const controller = new AbortController();
    this.#inFlight = controller;
    const timer = setTimeout(
      () => controller.abort(new TimeoutError(`Status check took longer than ${timeoutMs} ms`)),
      timeoutMs,
    );
    try {
      this.#attempts += 1;
      const answer = Promise.resolve().then(() => {
        controller.signal.throwIfAborted(); // the last wait left in the microtask before: no check at all
        const context = { signal: controller.signal, timeoutMs, attempt: this.#attempts };
        return this.fleet ? this.fleet.check(this.source, context) : this.source.check(context);
      });
      return { value: await raceAbort(answer, controller.signal) };
    } catch (error) {
      return { error };
    } finally {
      clearTimeout(timer);
      this.#inFlight = undefined;
    }
  }

  /** A status another process read (through the coordinator): handled as this stream's own check. */
  receive(value: unknown): void {
    if (this.#phase !== 'sleeping' && this.#phase !== 'idle') {
      return; // a check under way gets it itself
    }
    clearTimeout(this.#timer);
    try {
      this.#handle({ value: value as T });
    } catch (error) {
      this.#finish({ error });
    }
  }

  /** Reads one check's outcome: tells the subscribers, then ends or plans the next check. */
  #handle(outcome: Outcome<T> | undefined): void {
    if (outcome === undefined) {
      this.#step();
      return;
    }
    const now = Date.now();
    let ends: boolean;
    let retryAfterMs: number | undefined;
    if ('value' in outcome) {
      this.#failures = 0;
      this.last = outcome;
      ends = this.source.reading.isDone(outcome.value);
    } else {
      // A check cut off by the deadline is the deadline's doing: the subscribers' timers,
      // due now, end the wait with WaitTimeoutError, not with this check's own error.
      if (now >= this.#deadline()) {
        this.#step();
        return;
      }
      ends = !isTransient(outcome.error) || ++this.#failures > this.#maxConsecutiveFailures;
      if (outcome.error instanceof ApiError) {
        retryAfterMs = outcome.error.retryAfterMs;
      }
    }
    if (!ends) {
      this.#wakeAt = now + this.#advance({ now, retryAfterMs, failed: !('value' in outcome) });
      this.#floorAt = now + (retryAfterMs ?? 0);
    }
    const next = ends ? undefined : this.#plan();
    const { prior } = this.position;
    const event = {
      attempt: this.#attempts,
      ...outcome,
      nextDelayMs: next === undefined ? undefined : Math.max(0, next - now),
      prior: prior && { expectedMs: expectedMs(prior), runs: prior.runs },
    };
    for (let s = this.#first; s; s = s.next) {
      s.poll(event);
      if ('value' in outcome) {
        s.see(outcome.value);
      }
    }
    if (ends) {
      this.#finish(outcome);
    } else {
      this.#step(); // a no-op if a callback ended the last wait
      if ('value' in outcome) {
        this.#askPrior(outcome.value);
      }
    }
  }
}

/** One wait on a stream: its deadline, signal and callbacks. */
class Subscriber<T> implements Expiring {
  /** Infinity for none (then not registered in deadlines.ts). */
  readonly deadline: number;
  slot = -1;
  /** The next wait on the same stream. */
  next: Subscriber<T> | undefined;
  /** For WaitTimeoutError: how long the wait was given. */
  readonly #timeoutMs: number;
  /** When it joined its stream. */
  readonly startedAt = Date.now();
  #status: string | undefined;
  /** The value that brought `#status`, for `onStatusChange`'s `previous` (kept only when there is one). */
  #statusValue: T | undefined;
  #unknown: Set<string> | undefined;
  #settled = false;

  readonly #stream: PollStream<T>;
  readonly #options: WaitOptions<T> & { returnFailed?: boolean };
  readonly #resolve: (value: T) => void;
  readonly #reject: (error: unknown) => void;

  constructor(
    stream: PollStream<T>,
    wait: ResolvedWait,
    options: WaitOptions<T> & { returnFailed?: boolean },
    resolve: (value: T) => void,
    reject: (error: unknown) => void,
  ) {
    this.deadline = wait.deadline;
    this.#timeoutMs = wait.timeoutMs;
    this.#stream = stream;
    this.#options = options;
    this.#resolve = resolve;
    this.#reject = reject;
  }

  /** The deadline has come (called by deadlines.ts). */
  expire(): void {
    this.settle({ error: new WaitTimeoutError(this.#timeoutMs, this.#stream.last?.value) });
  }

  /** The signal aborted (called by `onAbort`). */
  handleEvent(): void {
    this.settle({ error: this.#options.signal!.reason });
  }

  settle(outcome: Outcome<T>): void {
    if (this.#settled) {
      return;
    }
    this.#settled = true;
    removeDeadline(this);
    if (this.#options.signal) {
      offAbort(this.#options.signal, this);
    }
    this.#stream.leave(this);
    if (!('value' in outcome)) {
      this.#reject(outcome.error);
      return;
    }
    const failure = this.#options.returnFailed ? undefined : this.#stream.source.reading.failure?.(outcome.value);
    if (failure) {
      this.#reject(failure);
    } else {
      this.#resolve(outcome.value);
    }
  }

  see(value: T): void {
    const { statusOf, isKnownStatus } = this.#stream.source.reading;
    const status = statusOf(value);
    if (this.#settled || status === undefined) {
      return;
    }
    const { onUnknownStatus, onStatusChange } = this.#options;
    if (!isKnownStatus(status) && !this.#unknown?.has(status)) {
      this.#unknown ??= new Set();
      this.#unknown.add(status);
      if (onUnknownStatus) {
        this.#call(() => onUnknownStatus(status, value));
      }
    }
    if (status !== this.#status) {
      const previous = this.#statusValue;
      this.#status = status;
      if (onStatusChange) {
        this.#statusValue = value;
        this.#call(() => onStatusChange(value, previous));
      }
    }
  }

  poll(event: Omit<PollEvent<T>, 'elapsedMs' | 'resumeToken'>): void {
    const { onPoll } = this.#options;
    if (!onPoll || this.#settled) {
      return;
    }
    const { deadline } = this;
    const resumeToken = writeResumeToken({
      v: 1,
      ...this.#stream.source.ids?.(),
      deadline: deadline === Infinity ? null : deadline,
      ...this.#stream.position,
    });
    this.#call(() => onPoll({ ...event, elapsedMs: Date.now() - this.startedAt, resumeToken }));
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
