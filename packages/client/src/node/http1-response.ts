// Reading an HTTP/1.1 response off a socket: the head, then the body's framing (RFC 9112).
// Only what a client that sends `Connection: close` GETs needs: no pipelining, no upgrades.
import { isHeaderName } from '../internal/checks.js';

/** A response head: status line and header fields (names lower-cased, repeated fields kept in order). */
export interface ResponseHead {
  status: number;
  statusText: string;
  headers: Map<string, string[]>;
}

/** Longest head accepted, as Node's own HTTP client (`--max-http-header-size`). */
export const MAX_HEAD_BYTES = 16 * 1024;

/** The malformed-response error: a NetworkError once the client maps it. */
export class ProtocolError extends Error {
  override name = 'ProtocolError';
}

/** Gathers bytes until the head is complete; then `parse()` reads it and says where the body starts. */
export class HeadReader {
  private text = '';

  /** Adds `bytes` (latin1, as HTTP heads are); returns the offset in `bytes` where the body starts, or -1. */
  push(bytes: Buffer): number {
    const before = this.text.length;
    this.text += bytes.toString('latin1');
    // The separator may straddle two reads: look from three characters back.
    const end = this.text.indexOf('\r\n\r\n', Math.max(0, before - 3));
    if (end < 0) {
      if (this.text.length > MAX_HEAD_BYTES) throw new ProtocolError(`response head larger than ${MAX_HEAD_BYTES} bytes`);
      return -1;
    }
    const bodyStart = end + 4 - before;
    this.text = this.text.slice(0, end);
    return bodyStart;
  }

  parse(): ResponseHead {
    const [statusLine = '', ...lines] = this.text.split('\r\n');
    this.text = '';
    const match = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(statusLine);
    if (!match) throw new ProtocolError(`not an HTTP/1.1 status line: ${JSON.stringify(statusLine.slice(0, 40))}`);
    const headers = new Map<string, string[]>();
    let last: string[] | undefined; // the values of the field the previous line belongs to
    for (const line of lines) {
      // An obsolete folded line (starting with a space or tab) continues the previous field's value, as fetch reads it.
      if (/^[ \t]/.test(line) && last) {
        last.push(`${last.pop()} ${line.trim()}`.trim());
        continue;
      }
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).toLowerCase();
      // A field name is a token: nothing before the colon may be a space (RFC 9112 §5.1).
      if (!isHeaderName(name)) throw new ProtocolError(`malformed header line: ${JSON.stringify(line.slice(0, 40))}`);
      last = headers.get(name) ?? [];
      last.push(line.slice(colon + 1).trim());
      headers.set(name, last);
    }
    return { status: Number(match[1]), statusText: match[2] ?? '', headers };
  }
}

/** Where a body ends. `feed` hands the body's own bytes to `emit` and returns true once it is complete. */
export interface Framing {
  feed(bytes: Buffer, start: number, emit: (bytes: Buffer, start: number, end: number) => void): boolean;
  /** The connection closed: fine for a body that runs until then, otherwise it was cut short. */
  closed(): void;
}

/** The framing of a response to a GET (RFC 9112 §6.3): chunked, Content-Length, none, or until close. */
export function framingOf(head: ResponseHead): Framing {
  const encodings = head.headers.get('transfer-encoding');
  if (encodings) {
    if (!/(^|,)\s*chunked\s*$/i.test(encodings.join(','))) return untilClose();
    return chunked();
  }
  if (head.status < 200 || head.status === 204 || head.status === 304) return lengthOf(0);
  const lengths = head.headers.get('content-length');
  if (!lengths) return untilClose();
  const values = new Set(lengths.join(',').split(',').map((value) => value.trim()));
  const [length = ''] = values;
  if (values.size !== 1 || !/^\d{1,15}$/.test(length)) throw new ProtocolError(`invalid Content-Length ${JSON.stringify(lengths.join(', '))}`);
  return lengthOf(Number(length));
}

function lengthOf(length: number): Framing {
  let remaining = length;
  return {
    feed(bytes, start, emit) {
      const count = Math.min(remaining, bytes.length - start);
      if (count > 0) emit(bytes, start, start + count);
      remaining -= count;
      return remaining === 0;
    },
    closed() {
      if (remaining > 0) throw new ProtocolError(`connection closed ${remaining} bytes before the end of the body`);
    },
  };
}

function untilClose(): Framing {
  return {
    feed(bytes, start, emit) {
      if (start < bytes.length) emit(bytes, start, bytes.length);
      return false;
    },
    closed() {},
  };
}

/** `Transfer-Encoding: chunked`: hex size line, data, CRLF, …, a zero size, trailer fields, an empty line. */
function chunked(): Framing {
  let state: 'size' | 'data' | 'data-end' | 'trailer' | 'done' = 'size';
  let line = '';
  let remaining = 0;
  /** Gathers one line; returns the offset after its CRLF, or -1 when the line goes on in the next read. */
  const readLine = (bytes: Buffer, start: number): number => {
    const newline = bytes.indexOf(10, start);
    line += bytes.toString('latin1', start, newline < 0 ? bytes.length : newline + 1);
    if (line.length > 4096) throw new ProtocolError('chunk size or trailer line too long');
    return newline < 0 ? -1 : newline + 1;
  };
  return {
    feed(bytes, start, emit) {
      while (start < bytes.length && state !== 'done') {
        if (state === 'data') {
          const count = Math.min(remaining, bytes.length - start);
          emit(bytes, start, start + count);
          start += count;
          remaining -= count;
          if (remaining === 0) state = 'data-end';
          continue;
        }
        const next = readLine(bytes, start);
        if (next < 0) return false;
        start = next;
        const text = line.replace(/\r?\n$/, '');
        line = '';
        if (state === 'data-end') {
          if (text !== '') throw new ProtocolError('chunk data longer than its size');
          state = 'size';
        } else if (state === 'trailer') {
          if (text === '') state = 'done';
        } else {
          const size = /^([0-9a-fA-F]{1,12})[ \t]*(;.*)?$/.exec(text);
          if (!size) throw new ProtocolError(`invalid chunk size line ${JSON.stringify(text.slice(0, 40))}`);
          remaining = parseInt(size[1]!, 16);
          state = remaining === 0 ? 'trailer' : 'data';
        }
      }
      return state === 'done';
    },
    closed() {
      if (state !== 'done') throw new ProtocolError('connection closed before the last chunk');
    },
  };
}
