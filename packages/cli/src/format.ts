// Small human formats for durations, sizes and rates.
import { parseServerTime } from '@mindzie/client';

export function formatDuration(ms: number): string {
  if (ms < 0) {
    ms = 0;
  }
  if (ms < 10_000) {
    return `${(ms / 1_000).toFixed(1)}s`;
  }
  const totalSeconds = Math.round(ms / 1_000);
  if (totalSeconds < 60) {
    return `${totalSeconds}s`;
  }
  const hours = Math.floor(totalSeconds / 3_600);
  const minutes = Math.floor((totalSeconds % 3_600) / 60);
  const seconds = String(totalSeconds % 60).padStart(2, '0');
  return hours > 0 ? `${hours}h ${String(minutes).padStart(2, '0')}m ${seconds}s` : `${minutes}m ${seconds}s`;
}

const byteUnits = ['B', 'kB', 'MB', 'GB', 'TB'];

export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1_000 && unit < byteUnits.length - 1) {
    value /= 1_000;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value < 10 ? 2 : 1)} ${byteUnits[unit]}`;
}

export function formatRate(bytes: number, ms: number): string {
  return ms <= 0 ? '—' : `${formatBytes((bytes * 1_000) / ms)}/s`;
}

/** Duration between two ISO timestamps, or `undefined` while the second is missing. */
export function durationBetween(start: string | null | undefined, end: string | null | undefined): number | undefined {
  if (!start || !end) {
    return undefined;
  }
  const ms = parseServerTime(end) - parseServerTime(start);
  return Number.isFinite(ms) ? ms : undefined;
}
