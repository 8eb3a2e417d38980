// The token must never reach an error, a message or a log line, even when a server or a
// custom fetch echoes it back. Everything the SDK puts into an error passes through here.

const MASK = '[REDACTED]';

/** The shortest piece of a secret masked on its own: shorter ones would mask ordinary words. */
const FRAGMENT = 8;

/**
 * `text` with every occurrence of `secret` masked, and every piece of it that a cut left behind:
 * a snippet cut at a length limit (ours, a server's or another library's) can end in the
 * secret's first characters or start with its last ones, and those pieces are masked too when
 * at least 8 characters long.
 */
export function redactText(text: string, secret: string | undefined): string {
  if (!secret) {
    return text;
  }
  const whole = text.split(secret).join(MASK);
  if (secret.length <= FRAGMENT) {
    return whole;
  }
  // Both kinds of piece are found on the same text, then masked once: overlapping pieces (a
  // secret that repeats its own start) must not hide each other's anchor.
  const spans = [...pieces(whole, secret, 1), ...pieces(whole, secret, -1)].sort((a, b) => a[0] - b[0]);
  let out = '';
  let at = 0;
  for (const [start, end] of spans) {
    if (end <= at) {
      continue;
    }
    out += start >= at ? whole.slice(at, start) + MASK : '';
    at = end;
  }
  return out + whole.slice(at);
}

/** Where `text` holds a run of `secret`'s start (direction 1) or end (-1), FRAGMENT long or more: [start, end). */
function pieces(text: string, secret: string, direction: 1 | -1): Array<[number, number]> {
  const anchor = direction === 1 ? secret.slice(0, FRAGMENT) : secret.slice(-FRAGMENT);
  const found: Array<[number, number]> = [];
  for (let at = text.indexOf(anchor); at >= 0; at = text.indexOf(anchor, at + 1)) {
    let start = at;
    let end = at + FRAGMENT;
    if (direction === 1) {
      while (end < text.length && end - at < secret.length && text[end] === secret[end - at]) {
        end++;
      }
    } else {
      for (let k = secret.length - FRAGMENT - 1; start > 0 && k >= 0 && text[start - 1] === secret[k]; k--) {
        start--;
      }
    }
    found.push([start, end]);
  }
  return found;
}

/** A copy of a parsed body (JSON or text) with the secret and its pieces masked in every string, number and key. */
export function redactValue(value: unknown, secret: string | undefined): unknown {
  if (!secret || value == null) {
    return value;
  }
  if (typeof value === 'string') {
    return redactText(value, secret);
  }
  const json = JSON.stringify(value);
  const escaped = JSON.stringify(secret).slice(1, -1); // as it appears inside a JSON string
  // Untouched when there is nothing to mask.
  return json === undefined || redactText(json, escaped) === json ? value : maskLeaves(value, secret);
}

/** Masks every string and key; a number that carries the secret (an all-digit token, unquoted) becomes masked text. */
function maskLeaves(value: unknown, secret: string): unknown {
  if (typeof value === 'string' || typeof value === 'number') {
    const text = String(value);
    const masked = redactText(text, secret);
    return masked === text ? value : masked;
  }
  if (Array.isArray(value)) {
    return value.map((item) => maskLeaves(item, secret));
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [redactText(key, secret), maskLeaves(item, secret)]),
    );
  }
  return value;
}

/**
 * The error to keep as `cause`: the original when nothing in its chain mentions the secret
 * (it keeps codes such as ECONNREFUSED for debugging), otherwise a masked stand-in.
 */
export function redactCause(cause: unknown, secret: string): unknown {
  return mentions(cause, secret, 0) ? new Error(redactText(String((cause as Error)?.message ?? cause), secret)) : cause;
}

function mentions(value: unknown, secret: string, depth: number): boolean {
  if (value == null || depth > 4) {
    return false;
  }
  const error = value as Error;
  try {
    const text = [String(value), error.message, error.stack, JSON.stringify(value)].join('\n');
    if (redactText(text, secret) !== text) {
      return true; // the secret, or a piece of it
    }
  } catch {
    return true; // cannot inspect it: do not keep it
  }
  return mentions(error.cause, secret, depth + 1);
}
