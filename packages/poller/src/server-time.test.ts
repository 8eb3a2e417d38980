// Run in a time zone far from UTC (set before any date is read), so reading as local time would fail.
process.env.TZ = 'Asia/Kolkata';

import type { ActionExecution } from '@mindzie/client';
import { describe, expect, it } from 'vitest';
import { candidatesIn } from './reconcile.js';
import { parseServerTime } from './server-time.js';

describe('parseServerTime', () => {
  it('reads a timestamp without an offset as UTC, whatever the machine time zone', () => {
    expect(new Date(2024, 0, 15).getTimezoneOffset()).toBe(-330); // the zone took effect: local is not UTC
    const utc = Date.UTC(2024, 0, 15, 10, 30);
    expect(parseServerTime('2024-01-15T10:30:00')).toBe(utc);
    expect(parseServerTime('2024-01-15 10:30')).toBe(utc);
    expect(parseServerTime('2024-01-15T10:30:00.250')).toBe(utc + 250);
  });

  it('keeps an offset the server gave, and says NaN for what is not a timestamp', () => {
    expect(parseServerTime('2024-01-15T10:30:00Z')).toBe(Date.UTC(2024, 0, 15, 10, 30));
    expect(parseServerTime('2024-01-15T10:30:00+02:00')).toBe(Date.UTC(2024, 0, 15, 8, 30));
    expect(parseServerTime('not a date')).toBeNaN();
    expect(parseServerTime(null)).toBeNaN();
  });

  it("reconciliation's window reads offset-less dates as UTC: a run started 1 min after execute is a candidate", () => {
    const sentAt = Date.UTC(2024, 0, 15, 10, 30);
    const started = (id: string, dateStarted: string) => ({ actionExecutionId: id, dateStarted }) as ActionExecution;
    const items = [started('A', '2024-01-15T10:31:00'), started('B', '2024-01-15T10:20:00')];
    // Read as local time (UTC+5:30) A would lie 5.5 h before execute and be dropped; B is before the window.
    expect(candidatesIn(items, { lastSeen: null, sentAt }, 60_000).map((e) => e.actionExecutionId)).toEqual(['A']);
  });
});
