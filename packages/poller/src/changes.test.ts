import { describe, expect, it } from 'vitest';
import { changes } from './changes.js';

/** A start function that reports the given values one macrotask apart, then ends as told. */
function emitting(values: string[], end: Error | 'done') {
  const seen: { signal?: AbortSignal } = {};
  const start = async (onChange: (v: string) => void, signal: AbortSignal) => {
    seen.signal = signal;
    for (const v of values) {
      await new Promise((r) => setTimeout(r, 1));
      if (signal.aborted) {
        throw signal.reason;
      }
      onChange(v);
    }
    if (end !== 'done') {
      throw end;
    }
  };
  return { start, seen };
}

describe('changes', () => {
  it('yields every change in order and ends when the wait ends', async () => {
    const { start } = emitting(['Queued', 'Running', 'Completed'], 'done');
    const out: string[] = [];
    for await (const status of changes(start, undefined)) {
      out.push(status);
    }
    expect(out).toEqual(['Queued', 'Running', 'Completed']);
  });

  it('yields the changes before the error, then throws it', async () => {
    const failure = new Error('Failed');
    const { start } = emitting(['Queued', 'Failed'], failure);
    const out: string[] = [];
    await expect(async () => {
      for await (const status of changes(start, undefined)) {
        out.push(status);
      }
    }).rejects.toBe(failure);
    expect(out).toEqual(['Queued', 'Failed']);
  });

  it('aborts the wait when the loop is left early', async () => {
    const { start, seen } = emitting(['Queued', 'Running', 'Completed'], 'done');
    for await (const status of changes(start, undefined)) {
      if (status === 'Queued') {
        break;
      }
    }
    expect(seen.signal?.aborted).toBe(true);
  });

  it('does not start the wait until iterated, and follows the caller signal', async () => {
    const { start, seen } = emitting(['Queued'], 'done');
    const controller = new AbortController();
    const iterator = changes(start, controller.signal);
    expect(seen.signal).toBeUndefined();
    const first = iterator.next();
    controller.abort(new Error('cancel'));
    await expect(first).rejects.toEqual(new Error('cancel'));
  });
});
