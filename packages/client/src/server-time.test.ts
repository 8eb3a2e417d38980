// Run in a time zone far from UTC (set before any date is read), so reading as local time would fail.
process.env.TZ = 'Asia/Kolkata';

import { describe, expect, it } from 'vitest';
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
});
