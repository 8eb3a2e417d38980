import { describe, expect, it } from 'vitest';
import { framingOf, HeadReader, MAX_HEAD_BYTES, ProtocolError, type ResponseHead } from './http1-response.js';

const head = (headers: Record<string, string> = {}, status = 200): ResponseHead => ({
  status,
  statusText: 'OK',
  headers: new Map(Object.entries(headers).map(([name, value]) => [name, [value]])),
});

/** Feeds `wire` to a framing in pieces of `step` bytes; returns the body and whether it completed. */
function decode(framingHead: ResponseHead, wire: string, step: number) {
  const framing = framingOf(framingHead);
  const body: string[] = [];
  let complete = false;
  const bytes = Buffer.from(wire, 'latin1');
  for (let start = 0; start < bytes.length && !complete; start += step) {
    complete = framing.feed(bytes.subarray(start, start + step), 0, (piece, from, to) => body.push(piece.toString('latin1', from, to)));
  }
  return { body: body.join(''), complete, framing };
}

describe('HeadReader', () => {
  it('finds the end of the head across reads, and where the body starts in the last one', () => {
    const reader = new HeadReader();
    const wire = 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: 1\r\nx-a: 2\r\n\r\nhello';
    expect(reader.push(Buffer.from(wire.slice(0, 44)))).toBe(-1); // stops inside the blank line
    const at = reader.push(Buffer.from(wire.slice(44)));
    expect(wire.slice(44).slice(at)).toBe('hello');
    const parsed = reader.parse();
    expect(parsed).toMatchObject({ status: 200, statusText: 'OK' });
    expect(parsed.headers.get('x-a')).toEqual(['1', '2']);
  });

  it('refuses a status line that is not HTTP/1.x, a malformed header, and a head past the limit', () => {
    const parse = (wire: string) => {
      const reader = new HeadReader();
      reader.push(Buffer.from(wire));
      return reader.parse();
    };
    expect(() => parse('SSH-2.0-OpenSSH\r\n\r\n')).toThrow(ProtocolError);
    expect(() => parse('HTTP/1.1 200 OK\r\nno colon here\r\n\r\n')).toThrow(/malformed header/);
    expect(() => parse('HTTP/1.1 200 OK\r\nContent-Length : 5\r\n\r\n')).toThrow(/malformed header/); // space before the colon
    expect(() => parse('HTTP/1.1 200 OK\r\n folded first: 1\r\n\r\n')).toThrow(/malformed header/); // nothing to continue
    expect(() => new HeadReader().push(Buffer.alloc(MAX_HEAD_BYTES + 1, 'a'))).toThrow(/larger than/);
  });

  it('joins an obsolete folded line onto the field before it, as fetch does', () => {
    const reader = new HeadReader();
    reader.push(Buffer.from('HTTP/1.1 200 OK\r\nContent-Disposition: attachment;\r\n filename="report.zip"\r\nX-Note: a\r\n\tb: c\r\n\r\n'));
    const { headers } = reader.parse();
    expect(headers.get('content-disposition')).toEqual(['attachment; filename="report.zip"']);
    expect(headers.get('x-note')).toEqual(['a b: c']); // a colon in a folded line is part of the value, not a new field
    expect(headers.has('\tb')).toBe(false);
  });
});

describe('framingOf', () => {
  const chunkedWire = '5;ext=1\r\nhello\r\n7\r\n, world\r\n0\r\nTrailer: x\r\n\r\n';

  it('decodes a chunked body fed one byte at a time, extensions and trailers included', () => {
    for (const step of [1, 3, 1000]) {
      const { body, complete } = decode(head({ 'transfer-encoding': 'chunked' }), chunkedWire, step);
      expect({ body, complete, step }).toEqual({ body: 'hello, world', complete: true, step });
    }
  });

  it('refuses a bad chunk size and data longer than its size, and a connection closed before the last chunk', () => {
    expect(() => decode(head({ 'transfer-encoding': 'chunked' }), 'zz\r\n', 10)).toThrow(/invalid chunk size/);
    expect(() => decode(head({ 'transfer-encoding': 'chunked' }), '2\r\nabc\r\n', 10)).toThrow(/longer than its size/);
    const { framing, complete } = decode(head({ 'transfer-encoding': 'chunked' }), '5\r\nhel', 10);
    expect(complete).toBe(false);
    expect(() => framing.closed()).toThrow(/before the last chunk/);
  });

  it('ends a Content-Length body at its length, and knows when the connection closed early', () => {
    const { body, complete } = decode(head({ 'content-length': '5' }), 'helloEXTRA', 3);
    expect({ body, complete }).toEqual({ body: 'hello', complete: true });
    const cut = decode(head({ 'content-length': '10' }), 'hello', 2);
    expect(cut.complete).toBe(false);
    expect(() => cut.framing.closed()).toThrow(/5 bytes before the end/);
  });

  it('refuses a Content-Length that is not one number', () => {
    expect(() => framingOf(head({ 'content-length': '5, 6' }))).toThrow(/invalid Content-Length/);
    expect(() => framingOf(head({ 'content-length': '-1' }))).toThrow(ProtocolError);
    expect(decode(head({ 'content-length': '3, 3' }), 'abc', 1).complete).toBe(true); // repeated, same value: fine
  });

  it('reads a body without length until the connection closes, and none for 204 and 304', () => {
    const { body, complete, framing } = decode(head(), 'all of it', 4);
    expect({ body, complete }).toEqual({ body: 'all of it', complete: false });
    expect(() => framing.closed()).not.toThrow();
    expect(framingOf(head({}, 204)).feed(Buffer.alloc(0), 0, () => {})).toBe(true);
    expect(framingOf(head({ 'content-length': '10' }, 304)).feed(Buffer.alloc(0), 0, () => {})).toBe(true);
  });
});
