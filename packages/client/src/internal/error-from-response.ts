import { ApiError, NotFoundError, RateLimitError, ServerError, UnauthorizedError, type NotFoundReason, type RequestDescription } from '../errors.js';
import { actionErrorErrorValues, blockErrorErrorValues, executionErrorErrorValues } from '../generated/openapi.js';
import { redactText, redactValue } from './redact.js';
import { parseRetryAfter } from './retry-after.js';
import type { HttpResponse } from './send.js';

const NOT_FOUND_REASONS: readonly string[] = [...actionErrorErrorValues, ...executionErrorErrorValues, ...blockErrorErrorValues];

/**
 * The typed error for a response the operation does not treat as success. `body` is what
 * the error body parsed (JSON when it parsed, otherwise the text). `secret` (the token) is
 * masked everywhere it appears.
 */
export function errorFromResponse(response: HttpResponse, body: unknown, request: RequestDescription, secret: string | undefined): ApiError {
  const { status } = response;
  const safeBody = redactValue(body, secret);
  const fields = (safeBody ?? {}) as Record<string, unknown>;
  // The server's words: its text, or the message field of its JSON (`Error` on the block controller).
  const said = [typeof safeBody == 'string' ? safeBody.trim().slice(0, 500) : '', fields.error, fields.Error, fields.message, fields.title].find(
    (text): text is string => typeof text == 'string' && text !== '',
  );
  const message = `${redactText(said ?? (response.statusText || 'HTTP error'), secret)} (${status} on ${request.method} ${request.path})`;
  const init = { status, body: safeBody, request, retryAfterMs: parseRetryAfter(response.headers.get('Retry-After')) };
  if (status == 404) {
    const reason = [fields.error, fields.Error].find((text) => NOT_FOUND_REASONS.includes(text as string));
    return new NotFoundError(message, { ...init, reason: reason as NotFoundReason | undefined });
  }
  const Class = status == 401 ? UnauthorizedError : status == 429 ? RateLimitError : status >= 500 ? ServerError : ApiError;
  return new Class(message, init);
}
