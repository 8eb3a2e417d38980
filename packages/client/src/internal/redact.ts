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
  if (!secret) return text;
  const whole = text.split(secret).join(MASK);
  if (secret.length <= FRAGMENT) return whole;
  return maskPieces(maskPieces(whole, secret, 1), secret, -1);
}

/** Masks runs of `secret`'s start (direction 1) or end (-1) of at least FRAGMENT characters. */
function maskPieces(text: string, secret: string, direction: 1 | -1): string {
  const anchor = direction == 1 ? secret.slice(0, FRAGMENT) : secret.slice(-FRAGMENT);
  let out = '';
  let from = 0;
  for (let at = text.indexOf(anchor); at >= 0; at = text.indexOf(anchor, from)) {
    let start = at;
    let end = at + FRAGMENT;
    if (direction == 1) {
      while (end < text.length && end - at < secret.length && text[end] === secret[end - at]) end++;
    } else {
      for (let k = secret.length - FRAGMENT - 1; start > from && k >= 0 && text[start - 1] === secret[k]; k--) start--;
    }
    out += text.slice(from, start) + MASK;
    from = end;
  }
  return out + text.slice(from);
}

/** A copy of a parsed body (JSON value or text) with every occurrence of `secret` masked, keys included. */
export function redactValue(value: unknown, secret: string | undefined): unknown {
  if (!secret) return value;
  if (typeof value == 'string') return redactText(value, secret);
  const json = JSON.stringify(value);
  const escaped = JSON.stringify(secret).slice(1, -1); // as it appears inside a JSON string
  return json?.includes(escaped) ? JSON.parse(redactText(json, escaped)) : value;
}

/**
 * The error to keep as `cause`: the original when nothing in its chain mentions the secret
 * (it keeps codes such as ECONNREFUSED for debugging), otherwise a masked stand-in.
 */
export function redactCause(cause: unknown, secret: string): unknown {
  return mentions(cause, secret, 0) ? new Error(redactText(String((cause as Error)?.message ?? cause), secret)) : cause;
}

function mentions(value: unknown, secret: string, depth: number): boolean {
  if (value == null || depth > 4) return false;
  const error = value as Error;
  try {
    const text = [String(value), error.message, error.stack, JSON.stringify(value)].join('\n');
    if (redactText(text, secret) !== text) return true; // the secret, or a piece of it
  } catch {
    return true; // cannot inspect it: do not keep it
  }
  return mentions(error.cause, secret, depth + 1);
}
