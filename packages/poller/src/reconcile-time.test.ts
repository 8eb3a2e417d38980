// Run in a time zone far from UTC (set before any date is read), so reading as local time would fail.
process.env.TZ = 'Asia/Kolkata';

import type { ActionExecution } from '@mindzie/client';
import { describe, expect, it } from 'vitest';
import { candidatesIn } from './reconcile.js';

describe('reconciliation and the server clock', () => {
  it("reconciliation's window reads offset-less dates as UTC: a run started 1 min after execute is a candidate", () => {
    expect(new Date(2024, 0, 15).getTimezoneOffset()).toBe(-330); // the zone took effect: local is not UTC
    const sentAt = Date.UTC(2024, 0, 15, 10, 30);
    const started = (id: string, dateStarted: string) => ({ actionExecutionId: id, dateStarted }) as ActionExecution;
    const items = [started('A', '2024-01-15T10:31:00'), started('B', '2024-01-15T10:20:00')];
    // Read as local time (UTC+5:30) A would lie 5.5 h before execute and be dropped; B is before the window.
    expect(candidatesIn(items, { lastSeen: null, sentAt }, 60_000).map((e) => e.actionExecutionId)).toEqual(['A']);
  });
});
