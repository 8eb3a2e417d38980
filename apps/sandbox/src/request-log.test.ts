import { describe, expect, it } from 'vitest';
import { RequestLog } from './request-log.ts';

describe('RequestLog', () => {
  it('keeps at least the last `capacity` entries, numbered in arrival order', () => {
    const log = new RequestLog(10);
    for (let i = 0; i < 35; i++) {
      log.record('GET', `/p/${i}`, 'getActionExecution');
    }
    const entries = log.list();
    expect(entries.length).toBeGreaterThanOrEqual(10);
    expect(entries.length).toBeLessThan(20);
    expect(entries.at(-1)).toMatchObject({ seq: 35, path: '/p/34' });
    expect(entries.map((entry) => entry.seq)).toEqual([...entries.map((entry) => entry.seq)].sort((a, b) => a - b));
  });

  it('filters by method (any case), operationId and exact path, and hands out copies', () => {
    const log = new RequestLog();
    log.record('GET', '/a', 'executeAction').status = 200;
    log.record('POST', '/b', 'executeBlock');
    log.record('GET', '/a', null);
    expect(log.list({ method: 'get' })).toHaveLength(2);
    expect(log.list({ operationId: 'executeAction' })).toEqual([expect.objectContaining({ path: '/a', status: 200 })]);
    expect(log.list({ path: '/b' })).toHaveLength(1);
    log.list()[0]!.status = 500;
    expect(log.list()[0]!.status).toBe(200);
  });
});
