// The resume token: all a restarted process needs to carry on a wait with the same
// deadline and schedule position. Plain JSON text, small enough for a file, an env var
// or a CI artefact.
import { InvalidArgumentError } from '@mindzie/client';
import { isDurationPrior } from './prior.js';
import type { PriorState } from './schedule.js';

export interface ResumeTokenData {
  v: 1;
  /** What was awaited: set by the execution waits, absent for `pollUntil`. */
  kind?: 'action' | 'block';
  executionId?: string;
  blockId?: string;
  /** Absolute deadline in epoch milliseconds, `null` for none. */
  deadline: number | null;
  /** Delays the schedule had picked, and the last one. */
  attempt: number;
  delayMs: number;
  /** Epoch ms the wait began (the schedule grows with the time waited); absent in older tokens. */
  startedAt?: number;
  /** How long the action usually takes and when its run started: the schedule needs no second read. */
  prior?: PriorState;
}

export function writeResumeToken(data: ResumeTokenData): string {
  return JSON.stringify(data);
}

export function readResumeToken(token: unknown): ResumeTokenData {
  let data: Partial<ResumeTokenData> | undefined;
  try {
    data = typeof token === 'string' ? JSON.parse(token) : undefined;
  } catch {
    // reported below
  }
  const count = (n: unknown) => typeof n === 'number' && Number.isFinite(n) && n >= 0;
  const id = (s: unknown) => s === undefined || (typeof s === 'string' && s !== '');
  if (
    data?.v !== 1 ||
    !(data.deadline === null || count(data.deadline)) ||
    !count(data.attempt) ||
    !count(data.delayMs) ||
    !(data.startedAt === undefined || count(data.startedAt)) ||
    !(data.prior === undefined || (isDurationPrior(data.prior) && count(data.prior.origin))) ||
    !(data.kind === undefined || data.kind === 'action' || data.kind === 'block') ||
    !id(data.executionId) ||
    !id(data.blockId)
  ) {
    throw new InvalidArgumentError('resume', 'resume must be a token from PollEvent.resumeToken');
  }
  return data as ResumeTokenData;
}
