// The token must never reach an error, a message or a log line, even when a server or a
// custom fetch echoes it back. Everything the SDK puts into an error passes through here.

const MASK = '[REDACTED]';

/** `text` with every occurrence of `secret` masked. */
export const redactText = (text: string, secret: string | undefined): string => (secret ? text.split(secret).join(MASK) : text);

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
    if ([String(value), error.message, error.stack, JSON.stringify(value)].join('\n').includes(secret)) return true;
  } catch {
    return true; // cannot inspect it: do not keep it
  }
  return mentions(error.cause, secret, depth + 1);
}
