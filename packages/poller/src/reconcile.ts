// After execute's answer was lost: look for the execution it may have created. Execute creates an
// execution every time and the API has no idempotency key, so it is never sent again; instead the
// executions (an action's history, a block's results) are read until it shows up or a window passes.

import type { ActionExecution, BlockExecution, RequestOptions } from '@mindzie/client';
import { InvalidArgumentError, parseServerTime } from '@mindzie/client';
import { isTransient } from './failures.js';
import { sleep } from './internal.js';
import { executionIdOf, startedAtOf } from './lost-answer.js';

/** Reads every execution the server lists for what was executed. */
export type ReadExecutions<E> = (options: RequestOptions) => Promise<E[]>;

export interface ReconcileOptions {
  /**
   * How long to look for the execution a lost execute may have created (default 30 000 ms; bounded
   * by the deadline).
   */
  windowMs?: number;
  /**
   * How far this machine's clock may be ahead of the server's (default 300 000 ms = 5 min). A
   * candidate must have started no earlier than this long before execute was sent (by the
   * server's `dateStarted`); its order against the execution read before execute is decided in
   * the server's clock alone.
   */
  clockSkewMs?: number;
}

export const reconcileDefaults = { windowMs: 30_000, clockSkewMs: 300_000 } as const;

/** What was known before execute was sent. */
export interface BeforeExecute<E = ActionExecution | BlockExecution> {
  /** The last execution just before execute (`null`: none yet). */
  lastSeen: E | null;
  /** Every execution listed before execute, when they were all read (a block's results): never ours. */
  seenIds?: ReadonlySet<string>;
  /** This machine's clock when execute was sent. */
  sentAt: number;
}

export type Finding<E> =
  | { found: 'one'; execution: E; lookedForMs: number }
  | { found: 'none'; lookedForMs: number; reads: number }
  | { found: 'several'; candidates: E[]; lookedForMs: number }
  | { found: 'unreadable'; error: unknown; candidates: E[]; lookedForMs: number; reads: number };

/** Checks `reconcile` before anything is sent; `false` turns reconciling off. */
export function resolveReconcile(value: unknown): Required<ReconcileOptions> | false {
  if (value === false) {
    return false;
  }
  if (value === undefined || value === true) {
    return reconcileDefaults;
  }
  if (value === null || typeof value !== 'object') {
    throw new InvalidArgumentError('reconcile', 'reconcile must be false, true or { windowMs, clockSkewMs }');
  }
  const { windowMs = reconcileDefaults.windowMs, clockSkewMs = reconcileDefaults.clockSkewMs } =
    value as ReconcileOptions;
  for (const [name, n] of [
    ['windowMs', windowMs],
    ['clockSkewMs', clockSkewMs],
  ] as const) {
    if (typeof n !== 'number' || !(n >= 0 && n <= 24 * 3_600_000)) {
      throw new InvalidArgumentError('reconcile', `reconcile.${name} must be a number of ms from 0 to 86400000`);
    }
  }
  return { windowMs, clockSkewMs };
}

/**
 * The executions in `items` that execute may have created: newer than the one seen before,
 * started since it was sent.
 */
export function candidatesIn<E extends ActionExecution | BlockExecution>(
  items: readonly E[],
  before: BeforeExecute<E>,
  clockSkewMs: number,
): E[] {
  const seen = before.lastSeen;
  const seenAt = seen ? parseServerTime(startedAtOf(seen)) : -Infinity;
  const seenId = seen ? executionIdOf(seen).toLowerCase() : undefined;
  const earliest = before.sentAt - clockSkewMs;
  return items.filter((e) => {
    const id = e && typeof e === 'object' ? executionIdOf(e) : undefined;
    if (typeof id !== 'string') {
      return false;
    }
    if (id.toLowerCase() === seenId || before.seenIds?.has(id.toLowerCase())) {
      return false;
    }
    const started = parseServerTime(startedAtOf(e));
    // Both comparisons fail for an unparseable date: such an entry is never adopted.
    return started >= seenAt && started >= earliest;
  });
}

/** Reads of the history: at once, then 250 ms, doubling up to 4 s, and one last read at the window's end. */
const FIRST_GAP_MS = 250;
const MAX_GAP_MS = 4_000;

/**
 * Reads the executions (they are all listed, so a second candidate is seen too) until exactly
 * one candidate, two or more, or the window ends. Never sends execute. `signal` ends the search
 * early (the finding is then `unreadable` with its reason).
 */
export async function findLostExecution<E extends ActionExecution | BlockExecution>(
  read: ReadExecutions<E>,
  before: BeforeExecute<E>,
  options: Required<ReconcileOptions> & { signal: AbortSignal },
): Promise<Finding<E>> {
  const { windowMs, clockSkewMs, signal } = options;
  const started = Date.now();
  const end = started + windowMs;
  let gap = FIRST_GAP_MS;
  let reads = 0;
  let lastError: unknown;
  let lastCandidates: E[] = [];
  for (;;) {
    const lookedForMs = () => Date.now() - started;
    try {
      signal.throwIfAborted();
      const left = Math.max(1, end - Date.now());
      const items = await read({
        signal,
        maxRetries: 0,
        timeoutMs: Math.min(10_000, Math.max(1_000, left)),
      });
      reads += 1;
      lastError = undefined;
      lastCandidates = candidatesIn(Array.isArray(items) ? items : [], before, clockSkewMs);
      if (lastCandidates.length === 1) {
        return { found: 'one', execution: lastCandidates[0]!, lookedForMs: lookedForMs() };
      }
      if (lastCandidates.length > 1) {
        return { found: 'several', candidates: lastCandidates, lookedForMs: lookedForMs() };
      }
    } catch (error) {
      reads += 1;
      lastError = error;
      // A refusal (401, 404) or the caller's abort will not change by reading again.
      if (signal.aborted || !isTransient(error)) {
        return { found: 'unreadable', error, candidates: lastCandidates, lookedForMs: lookedForMs(), reads };
      }
    }
    const now = Date.now();
    if (now >= end) {
      break;
    }
    const wait = Math.min(gap, end - now);
    gap = Math.min(MAX_GAP_MS, gap * 2);
    const aborted = await sleep(wait, signal);
    if (aborted) {
      return {
        found: 'unreadable',
        error: signal.reason,
        candidates: lastCandidates,
        lookedForMs: Date.now() - started,
        reads,
      };
    }
  }
  // No candidate by the end of the window: evidence only if the last read answered.
  if (lastError !== undefined) {
    return {
      found: 'unreadable',
      error: lastError,
      candidates: lastCandidates,
      lookedForMs: Date.now() - started,
      reads,
    };
  }
  return { found: 'none', lookedForMs: Date.now() - started, reads };
}
