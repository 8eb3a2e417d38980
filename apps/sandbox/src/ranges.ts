// Byte ranges of a download (RFC 9110 §14): which part of a package a request asks for.
// The Range header is parsed by `range-parser` (as `send` and Express do); a validator
// (ETag, Last-Modified) lets a client resume only the package it started, via If-Range.
import { type Readable, Transform } from 'node:stream';
import parseRange from 'range-parser';

export interface Validators {
  /** A strong entity tag, quoted. */
  etag: string;
  /** An HTTP-date (whole seconds). */
  lastModified: string;
}

export type RangeDecision =
  /** Send the whole package (no Range, an ignored one, or an If-Range that does not match). */
  | { kind: 'whole' }
  /** Send bytes `start`..`end` (inclusive) with 206. */
  | { kind: 'part'; start: number; end: number }
  /** 416: no range of the request overlaps the package. */
  | { kind: 'unsatisfiable' };

/** Validators that stay the same for one execution's package across requests and restarts. */
export function packageValidators(executionId: string, endedAt: number): Validators {
  return {
    etag: `"${executionId}-${endedAt.toString(36)}"`,
    lastModified: new Date(endedAt).toUTCString(),
  };
}

/**
 * What to send for `range` and `ifRange` (request headers) of a package of `size` bytes.
 * Several ranges are answered with the whole package (a server may; no multipart here),
 * a malformed Range is ignored, as RFC 9110 allows.
 */
export function decideRange(
  range: string | undefined,
  ifRange: string | undefined,
  size: number,
  validators: Validators,
): RangeDecision {
  if (range === undefined || (ifRange !== undefined && !ifRangeMatches(ifRange, validators))) {
    return { kind: 'whole' };
  }
  const ranges = parseRange(size, range, { combine: true });
  if (ranges === -1) {
    return { kind: 'unsatisfiable' };
  }
  if (ranges === -2 || ranges.type !== 'bytes' || ranges.length !== 1) {
    return { kind: 'whole' };
  }
  const [{ start, end }] = ranges as unknown as [{ start: number; end: number }];
  return { kind: 'part', start, end };
}

/** If-Range holds an entity tag (strong comparison; a weak one never matches) or an HTTP-date (exact match). */
function ifRangeMatches(ifRange: string, { etag, lastModified }: Validators): boolean {
  const value = ifRange.trim();
  if (value.startsWith('W/')) {
    return false;
  }
  if (value.startsWith('"')) {
    return value === etag;
  }
  const date = Date.parse(value);
  return !Number.isNaN(date) && date === Date.parse(lastModified);
}

/** Bytes `start`..`end` (inclusive) of `source`; the source is destroyed once they have passed. */
export function byteWindow(source: Readable, start: number, end: number): Readable {
  let offset = 0;
  const window = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      const from = Math.max(start - offset, 0);
      const to = Math.min(end + 1 - offset, chunk.length);
      offset += chunk.length;
      if (to > from) {
        this.push(chunk.subarray(from, to));
      }
      if (offset > end) {
        this.push(null);
        source.unpipe(window);
        source.destroy();
      }
      callback();
    },
  });
  source.once('error', (error) => window.destroy(error));
  return source.pipe(window);
}
