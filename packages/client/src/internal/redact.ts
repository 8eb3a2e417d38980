// The token must never reach an error, a message or a log line, even when a server or a
// custom fetch echoes it back. Everything the SDK puts into an error passes through here.

const MASK = '[REDACTED]';

/** `text` with every occurrence of `secret` masked. */
export function redactText(text: string, secret: string | undefined): string {
  return secret && text.includes(secret) ? text.split(secret).join(MASK) : text;
}

/** A copy of a parsed body (JSON value or text) with every string occurrence of `secret` masked. */
export function redactValue(value: unknown, secret: string | undefined, depth = 0): unknown {
  if (!secret) return value;
  if (typeof value === 'string') return redactText(value, secret);
  if (value === null || typeof value !== 'object' || depth > 32) return value;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, secret, depth + 1));
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) copy[redactText(key, secret)] = redactValue(item, secret, depth + 1);
  return copy;
}

/**
 * The error to keep as `cause`: the original when nothing in its chain mentions the secret
 * (it keeps codes such as ECONNREFUSED for debugging), otherwise a masked stand-in.
 */
export function redactCause(cause: unknown, secret: string | undefined): unknown {
  if (!secret || !mentions(cause, secret, 0)) return cause;
  const message = cause instanceof Error ? cause.message : String(cause);
  return new Error(redactText(message, secret));
}

function mentions(value: unknown, secret: string, depth: number): boolean {
  if (depth > 4 || value === null || value === undefined) return false;
  if (typeof value === 'string') return value.includes(secret);
  if (typeof value !== 'object') return String(value).includes(secret);
  const error = value as { message?: unknown; stack?: unknown; cause?: unknown };
  if (String(error.message).includes(secret) || String(error.stack).includes(secret)) return true;
  try {
    if (JSON.stringify(value)?.includes(secret)) return true;
  } catch {
    return true; // cannot inspect it: do not keep it
  }
  return mentions(error.cause, secret, depth + 1);
}
