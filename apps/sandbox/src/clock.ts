// Executions are scheduled as timestamps and their status is read off the clock when
// asked: no timer per execution, so any number of them cost nothing while they wait.

/** Wall-clock time that tests can move forward (`advance`) without waiting. */
export class Clock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }

  reset(): void {
    this.offsetMs = 0;
  }
}

/** When an execution was queued, starts running and ends (ms since the epoch). */
export interface Timeline {
  queuedAt: number;
  startsAt: number;
  endsAt: number;
}

export type Phase = 'queued' | 'running' | 'ended';

/** Scripted durations divided by the time scale (timeScale 60: a 10-minute run takes 10 s). */
export function scheduleTimeline(queuedAt: number, queuedMs: number, durationMs: number, timeScale: number): Timeline {
  const startsAt = queuedAt + queuedMs / timeScale;
  return { queuedAt, startsAt, endsAt: startsAt + durationMs / timeScale };
}

export function phaseAt(timeline: Timeline, now: number): Phase {
  if (now < timeline.startsAt) {
    return 'queued';
  }
  if (now < timeline.endsAt) {
    return 'running';
  }
  return 'ended';
}

export function isoDate(ms: number): string {
  return new Date(Math.floor(ms)).toISOString();
}
