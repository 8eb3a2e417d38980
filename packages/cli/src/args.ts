import { UsageError } from './errors.js';

const unitsMs: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** The longest wait the poller (and a timer) can keep: 2^31 - 1 ms, about 24.8 days. */
const MAX_DURATION_MS = 2_147_483_647;

/**
 * `--timeout`: `90` (seconds), `500ms`, `30s`, `10m`, `1h`, or a combination like `1m30s`;
 * from 1 ms to 2^31 - 1 ms once rounded to whole milliseconds, so a bad value is refused
 * here, before anything is sent, never by the poller after an execute.
 */
export function parseDuration(text: string, option = '--timeout'): number {
  const trimmed = text.trim();
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(trimmed)) {
    ms = Number(trimmed) * 1_000;
  } else {
    const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
    const consumed = parts.map((part) => part[0]).join('');
    if (parts.length === 0 || consumed !== trimmed) {
      throw new UsageError(option, `Invalid duration for ${option}: "${text}" (try 90, 30s, 10m or 1h).`);
    }
    ms = parts.reduce((total, [, amount, unit]) => total + Number(amount) * unitsMs[unit!]!, 0);
  }
  const rounded = Math.round(ms);
  if (!(rounded >= 1 && rounded <= MAX_DURATION_MS)) {
    throw new UsageError(option, `${option} must be from 1ms to ${MAX_DURATION_MS}ms (about 24 days), got "${text}".`);
  }
  return rounded;
}

/** `--limit N`: a whole number from 1. */
export function parseCount(text: string, option = '--limit'): number {
  const count = Number(text.trim());
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(count) || count < 1) {
    throw new UsageError(option, `${option} needs a whole number from 1, got "${text}".`);
  }
  return count;
}

/**
 * `--param key=value`, repeatable. The value is read as JSON when it parses (`n=3`,
 * `flag=true`, `ids=[1,2]`), otherwise kept as the literal string (`name=Q3 report`).
 */
export function collectParam(pair: string, previous: Record<string, unknown> = {}): Record<string, unknown> {
  const separator = pair.indexOf('=');
  const key = separator > 0 ? pair.slice(0, separator).trim() : '';
  if (!key) {
    throw new UsageError('--param', `Invalid --param "${pair}": expected key=value.`);
  }
  const raw = pair.slice(separator + 1);
  let value: unknown = raw;
  try {
    value = JSON.parse(raw);
  } catch {
    // not JSON: the literal text is the value
  }
  return { ...previous, [key]: value };
}
