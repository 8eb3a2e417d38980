import {
  ApiError,
  NotFoundError,
  RateLimitError,
  ServerError,
  UnauthorizedError,
  type NotFoundReason,
  type RequestDescription,
} from '../errors.js';
import { actionErrorErrorValues, blockErrorErrorValues, executionErrorErrorValues } from '../generated/openapi.js';
import { redactText, redactValue } from './redact.js';
import { parseRetryAfter } from './retry-after.js';

const NOT_FOUND_REASONS: readonly string[] = [...actionErrorErrorValues, ...executionErrorErrorValues, ...blockErrorErrorValues];

/**
 * The typed error for a response the operation does not treat as success. `body` is what
 * openapi-fetch parsed (JSON when it parsed, otherwise the text). `secret` (the token) is
 * masked everywhere it appears.
 */
export function errorFromResponse(
  response: Response,
  body: unknown,
  request: RequestDescription,
  secret: string | undefined,
): ApiError {
  const status = response.status;
  const safeBody = redactValue(body, secret);
  const detail = redactText(describeBody(safeBody) ?? (response.statusText || 'HTTP error'), secret);
  const message = `${detail} (${status} on ${request.method} ${request.path})`;
  const init = { status, body: safeBody, request, retryAfterMs: parseRetryAfter(response.headers.get('Retry-After')) };
  if (status === 401) return new UnauthorizedError(message, init);
  if (status === 404) return new NotFoundError(message, { ...init, reason: notFoundReason(safeBody) });
  if (status === 429) return new RateLimitError(message, init);
  if (status >= 500) return new ServerError(message, init);
  return new ApiError(message, init);
}

/** The documented 404 reason, read from `error` or (block controller) `Error`. */
function notFoundReason(body: unknown): NotFoundReason | undefined {
  const text = field(body, 'error') ?? field(body, 'Error');
  return text !== undefined && NOT_FOUND_REASONS.includes(text) ? (text as NotFoundReason) : undefined;
}

/** A short human-readable summary: the server's text, or the usual message fields of JSON. */
function describeBody(body: unknown): string | undefined {
  if (typeof body === 'string') {
    const text = body.trim();
    return text === '' ? undefined : text.length > 500 ? `${text.slice(0, 500)}…` : text;
  }
  return field(body, 'error') ?? field(body, 'Error') ?? field(body, 'message') ?? field(body, 'title') ?? field(body, 'detail');
}

function field(body: unknown, key: string): string | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const value = (body as Record<string, unknown>)[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
