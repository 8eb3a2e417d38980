import { describe, expect, it } from 'vitest';
import { redactCause, redactText, redactValue } from './redact.js';

const secret = 'tok_live_123456789';

describe('redaction', () => {
  it('masks every occurrence in text', () => {
    expect(redactText(`a ${secret} b ${secret}`, secret)).toBe('a [REDACTED] b [REDACTED]');
    expect(redactText('nothing here', secret)).toBe('nothing here');
    expect(redactText('no secret given', undefined)).toBe('no secret given');
  });

  it('masks a piece of the secret that a cut left at the end or start of a snippet (8 characters or more)', () => {
    const cutAtEnd = `status line: "GET ${secret.slice(0, 11)}"`;
    expect(redactText(cutAtEnd, secret)).toBe('status line: "GET [REDACTED]"');
    const cutAtStart = `…${secret.slice(-9)} and more`;
    expect(redactText(cutAtStart, secret)).toBe('…[REDACTED] and more');
    expect(redactText(`x ${secret.slice(0, 7)} y`, secret)).toBe(`x ${secret.slice(0, 7)} y`); // too short to tell
    expect(redactText(`${secret}${secret.slice(0, 10)}`, secret)).toBe('[REDACTED][REDACTED]');
  });

  it('masks overlapping pieces whole, even of a secret that repeats its own start', () => {
    const nested = 'AbCdEfGh.0123456789.AbCdEfGh.zyxwvuts';
    expect(redactText(`…${nested.slice(12)}`, nested)).toBe('…[REDACTED]');
  });

  it('masks pieces inside the strings and keys of a parsed JSON body', () => {
    const body = { message: `Invalid token ${secret.slice(0, 12)}…`, [`${secret.slice(-9)}`]: 1 };
    expect(redactValue(body, secret)).toEqual({ message: 'Invalid token [REDACTED]…', '[REDACTED]': 1 });
    const clean = { message: 'nothing here' };
    expect(redactValue(clean, secret)).toBe(clean);
  });

  it('masks an all-digit secret echoed as a JSON number', () => {
    const digits = '1234567890123456';
    expect(redactValue({ message: 'Invalid token', token: Number(digits) }, digits)).toEqual({
      message: 'Invalid token',
      token: '[REDACTED]',
    });
    expect(redactValue(Number(digits), digits)).toBe('[REDACTED]');
    expect(redactValue({ count: 12 }, digits)).toEqual({ count: 12 });
  });

  it('replaces a cause whose message carries a piece of the secret', () => {
    const cut = new Error(`malformed header line: "x-echo ${secret.slice(0, 12)}"`);
    expect(redactCause(cut, secret)).not.toBe(cut);
    expect((redactCause(cut, secret) as Error).message).not.toContain(secret.slice(0, 8));
  });

  it('masks strings and keys anywhere in a JSON value, without touching the original', () => {
    const body = { message: `bad ${secret}`, list: [secret, 1, null], [secret]: true };
    expect(redactValue(body, secret)).toEqual({
      message: 'bad [REDACTED]',
      list: ['[REDACTED]', 1, null],
      '[REDACTED]': true,
    });
    expect(body.message).toContain(secret);
  });

  it('keeps a clean cause and replaces one that mentions the secret anywhere in its chain', () => {
    const clean = new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED') });
    expect(redactCause(clean, secret)).toBe(clean);
    const dirty = new TypeError('fetch failed', { cause: new Error(`header ${secret}`) });
    const replaced = redactCause(dirty, secret) as Error;
    expect(replaced).not.toBe(dirty);
    expect(replaced.message).toBe('fetch failed');
    expect(JSON.stringify({ m: replaced.message, s: replaced.stack })).not.toContain(secret);
    const withField = Object.assign(new Error('x'), { request: { headers: { authorization: secret } } });
    expect(redactCause(withField, secret)).not.toBe(withField);
  });
});
