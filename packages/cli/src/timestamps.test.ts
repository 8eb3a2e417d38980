// Run in a time zone far from UTC (set before any date is read), so reading as local time would fail.
process.env.TZ = 'Asia/Kolkata';

import { describe, expect, it } from 'vitest';
import { durationBetween } from './format.js';
import { formatTimestamp } from './render/tables.js';

describe('timestamps the CLI shows', () => {
  it("shows an offset-less time as the server's UTC clock time, and measures durations across offsets", () => {
    expect(new Date(2024, 0, 15).getTimezoneOffset()).toBe(-330); // the zone took effect: local is not UTC
    expect(formatTimestamp('2024-01-15T10:30:00')).toBe('2024-01-15 10:30:00Z');
    expect(durationBetween('2024-01-15T10:30:00', '2024-01-15T10:31:00Z')).toBe(60_000);
  });
});
