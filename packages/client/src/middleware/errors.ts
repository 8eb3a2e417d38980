// Answers the operation does not treat as success → the SDK's error tree, the token masked.
import type { Middleware } from 'openapi-fetch';
import type { Attempt } from '../attempt.js';
import type { NotFoundReason, RequestDescription } from '../errors.js';
import { ApiError, NotFoundError, RateLimitError, ServerError, UnauthorizedError } from '../errors.js';
import { actionErrorErrorValues, blockErrorErrorValues, executionErrorErrorValues } from '../generated/openapi.js';
import { redactText, redactValue } from '../internal/redact.js';
import { parseRetryAfter } from '../internal/retry-after.js';

const NOT_FOUND_REASONS: readonly string[] = [
  ...actionErrorErrorValues,
  ...executionErrorErrorValues,
  ...blockErrorErrorValues,
];
const CLASSES: Record<number, typeof ApiError> = { 401: UnauthorizedError, 429: RateLimitError };

/** How much of an error body is read (a proxy's error page can be megabytes); the rest is discarded. */
export const ERROR_BODY_CAP_BYTES = 64 * 1024;

/** Throws the typed error for every status outside 2xx; its body is read (up to the cap), parsed and masked. */
export const errorsMiddleware = (attempt: Attempt): Middleware => ({
  async onResponse({ response }) {
    if (response.ok) {
      return undefined;
    }
    let text: string;
    try {
      text = await readCapped(response, ERROR_BODY_CAP_BYTES);
    } catch (cause) {
      throw attempt.failure(cause); // the error answer was cut: a NetworkError (retried where safe)
    }
    throw errorFromResponse(response, parseBody(text), attempt.request, attempt.token);
  },
});

/** The body's first `cap` bytes as text; the stream is cancelled after them, which frees the connection. */
async function readCapped(response: Response, cap: number): Promise<string> {
  if (!response.body) {
    return '';
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  try {
    while (bytes < cap) {
      const { done, value } = await reader.read();
      if (done) {
        break;
      }
      chunks.push(value);
      bytes += value.byteLength;
    }
  } finally {
    reader.cancel().catch(() => {});
  }
  const all = new Uint8Array(bytes);
  let at = 0;
  for (const chunk of chunks) {
    all.set(chunk, at);
    at += chunk.byteLength;
  }
  // A multi-byte character cut at the cap decodes as U+FFFD.
  return new TextDecoder().decode(all.subarray(0, cap));
}

/** An error body: JSON when it parses, otherwise the text (the 401 body is free text). */
function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * The typed error for a response the operation does not treat as success. `body` is what the error
 * body parsed to (JSON, or the text); `secret` (the token) is masked everywhere it appears.
 */
export function errorFromResponse(response: Response, body: unknown, request: RequestDescription, secret?: string) {
  const { status } = response;
  const safeBody = redactValue(body, secret);
  const fields = (safeBody ?? {}) as Record<string, unknown>;
  // The server's words: its text, or the message field of its JSON (`Error` on the block controller).
  const text = typeof safeBody === 'string' ? safeBody.trim().slice(0, 500) : '';
  const said = [text, fields.error, fields.Error, fields.message, fields.title, response.statusText, 'HTTP error'].find(
    (word) => typeof word === 'string' && word,
  ) as string;
  const message = `${redactText(said, secret)} (${status} on ${request.method} ${request.path})`;
  const init = { status, body: safeBody, request, retryAfterMs: parseRetryAfter(response.headers.get('Retry-After')) };
  if (status === 404) {
    const reason = [fields.error, fields.Error].find((word) => NOT_FOUND_REASONS.includes(word as string));
    return new NotFoundError(message, { ...init, reason: reason as NotFoundReason | undefined });
  }
  const Class = CLASSES[status] ?? (status >= 500 ? ServerError : ApiError);
  return new Class(message, init);
}
