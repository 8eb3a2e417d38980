import { describe, expect, it } from 'vitest';
import { collectParam, parseDuration } from './args.js';
import { UsageError } from './errors.js';

describe('parseDuration', () => {
  it('reads plain numbers as seconds and units as written', () => {
    expect(parseDuration('90')).toBe(90_000);
    expect(parseDuration('1.5')).toBe(1_500);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('10m')).toBe(600_000);
    expect(parseDuration('1h')).toBe(3_600_000);
    expect(parseDuration('1m30s')).toBe(90_000);
  });

  it('rejects anything else with a UsageError naming the option', () => {
    for (const bad of ['', 'soon', '10 minutes', '5x', '-3s', '0s', '1m 30s']) {
      expect(() => parseDuration(bad), bad).toThrow(UsageError);
    }
    expect(() => parseDuration('soon')).toThrow(/--timeout/);
  });

  it('refuses a duration under 1 ms or over 2^31 - 1 ms once rounded, as the poller would after an execute', () => {
    for (const bad of ['0', '0.0', '0.0001', '0.4ms', '0ms', '600h', '2147483648ms', '99999999999999999999']) {
      expect(() => parseDuration(bad), bad).toThrow(UsageError);
    }
    expect(() => parseDuration('600h')).toThrow(/from 1ms to 2147483647ms/);
    expect(parseDuration('0.5ms')).toBe(1);
    expect(parseDuration('0.001')).toBe(1);
    expect(parseDuration('2147483647ms')).toBe(2_147_483_647);
    expect(parseDuration('596h')).toBe(2_145_600_000);
  });
});

describe('collectParam', () => {
  it('parses values as JSON when they parse and keeps text otherwise', () => {
    let params = collectParam('limit=10');
    params = collectParam('dryRun=true', params);
    params = collectParam('tags=["a","b"]', params);
    params = collectParam('name=Q3 report', params);
    params = collectParam('filter={"region":"North"}', params);
    params = collectParam('expr=a=b', params);
    params = collectParam('empty=', params);
    expect(params).toEqual({
      limit: 10,
      dryRun: true,
      tags: ['a', 'b'],
      name: 'Q3 report',
      filter: { region: 'North' },
      expr: 'a=b',
      empty: '',
    });
  });

  it('lets a later value of the same key win', () => {
    expect(collectParam('n=2', collectParam('n=1'))).toEqual({ n: 2 });
  });

  it('rejects a pair without a key', () => {
    expect(() => collectParam('novalue')).toThrow(UsageError);
    expect(() => collectParam('=3')).toThrow(/key=value/);
  });
});
