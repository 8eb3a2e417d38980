// Whether a cut download may continue where it stopped: only with the same package, proven by the
// server (a 206 for exactly the missing bytes, sent because the validator still matched).

/** What the first answer offered for a resume: its validator and the package's size. */
export interface Resume {
  /** A strong ETag, or else Last-Modified: sent as `If-Range`. */
  validator: string;
  size: number | undefined;
}

interface Answer {
  status: number;
  headers: Headers | undefined;
  size: number | undefined;
}

/**
 * The validator of a whole answer (200) that said `Accept-Ranges: bytes`, or `undefined`: then a
 * cut body is asked for again from the start. A weak ETag (`W/…`) cannot guard a range (RFC 9110 §13.1.5).
 */
export function validatorOf(answer: Answer): Resume | undefined {
  const { headers } = answer;
  if (answer.status !== 200 || !headers || !/(^|,)\s*bytes\s*(,|$)/i.test(headers.get('Accept-Ranges') ?? '')) {
    return undefined;
  }
  const etag = headers.get('ETag');
  const validator = etag && !etag.startsWith('W/') ? etag : headers.get('Last-Modified');
  return validator ? { validator, size: answer.size } : undefined;
}

/** Whether `answer` is the rest of the package from byte `from`: a 206 whose Content-Range says exactly that. */
export function resumeFrom(answer: Answer, range: Resume & { from: number }): boolean {
  const match = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(answer.headers?.get('Content-Range')?.trim() ?? '');
  if (answer.status !== 206 || !match) {
    return false;
  }
  const [first, last, total] = match.slice(1).map(Number) as [number, number, number];
  const sameSize = range.size === undefined || total === range.size;
  const length = last - first + 1;
  return (
    first === range.from && last === total - 1 && sameSize && (answer.size === undefined || answer.size === length)
  );
}
