// Answers the operation does not treat as success → the SDK's error tree, the token masked.
import type { Middleware } from 'openapi-fetch';
import { attemptOf } from '../attempt.js';
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

/** Throws the typed error for every status outside 2xx; its body is read, parsed and masked. */
export const errorsMiddleware: Middleware = {
  async onResponse({ request, response }) {
    if (response.ok) {
      return undefined;
    }
    const secret = request.headers.get('Authorization')?.replace(/^Bearer /, '');
    const described = attemptOf(request)?.request ?? { method: request.method, path: new URL(request.url).pathname };
    throw errorFromResponse(response, parseBody(await response.text()), described, secret);
  },
};

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
