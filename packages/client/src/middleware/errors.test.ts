import { describe, expect, it } from 'vitest';
import { ApiError, NotFoundError, RateLimitError, ServerError, UnauthorizedError } from '../errors.js';
import { actionErrorErrorValues, blockErrorErrorValues, executionErrorErrorValues } from '../generated/openapi.js';
import { errorFromResponse } from './errors.js';

const request = { method: 'GET', path: '/api/t/p/actionexecution/e' };
const respond = (status: number, headers: Record<string, string> = {}) => new Response(null, { status, headers });

describe('errorFromResponse', () => {
  it.each([
    [401, UnauthorizedError],
    [404, NotFoundError],
    [429, RateLimitError],
    [500, ServerError],
    [502, ServerError],
    [503, ServerError],
    [400, ApiError],
    [403, ApiError],
    [408, ApiError],
  ] as const)('maps %i to %o', (status, Class) => {
    const error = errorFromResponse(respond(status), { error: 'x' }, request, undefined);
    expect(error).toBeInstanceOf(Class);
    expect(error.constructor).toBe(Class);
    expect(error.name).toBe(Class.name);
    expect(error.status).toBe(status);
  });

  it.each([...actionErrorErrorValues, ...executionErrorErrorValues])(
    'reads the 404 reason "%s" from `error`',
    (reason) => {
      const error = errorFromResponse(
        respond(404),
        { error: reason, actionId: 'a' },
        request,
        undefined,
      ) as NotFoundError;
      expect(error.reason).toBe(reason);
      expect(error.message).toContain(reason);
    },
  );

  it.each([...blockErrorErrorValues])('reads the block 404 reason "%s" from the capitalised `Error`', (reason) => {
    const error = errorFromResponse(respond(404), { Error: reason, BlockId: 'b' }, request, undefined) as NotFoundError;
    expect(error.reason).toBe(reason);
  });

  it('leaves the reason undefined for a 404 it does not know (a proxy page, a new message)', () => {
    expect(
      (errorFromResponse(respond(404), '<html>Not Found</html>', request, undefined) as NotFoundError).reason,
    ).toBeUndefined();
    expect(
      (errorFromResponse(respond(404), { error: 'Something new' }, request, undefined) as NotFoundError).reason,
    ).toBeUndefined();
  });

  it('keeps a free-text body as the message and the body, and names the request without the host', () => {
    const error = errorFromResponse(respond(401), 'Invalid or expired access token', request, undefined);
    expect(error.body).toBe('Invalid or expired access token');
    expect(error.message).toBe('Invalid or expired access token (401 on GET /api/t/p/actionexecution/e)');
    expect(error.method).toBe('GET');
    expect(error.path).toBe('/api/t/p/actionexecution/e');
  });

  it('falls back to the status text when the body says nothing', () => {
    const error = errorFromResponse(
      new Response(null, { status: 503, statusText: 'Service Unavailable' }),
      '',
      request,
      undefined,
    );
    expect(error.message).toBe('Service Unavailable (503 on GET /api/t/p/actionexecution/e)');
  });

  it('reads Retry-After on any status', () => {
    expect(errorFromResponse(respond(429, { 'Retry-After': '3' }), {}, request, undefined).retryAfterMs).toBe(3000);
    expect(errorFromResponse(respond(503, { 'Retry-After': '1' }), {}, request, undefined).retryAfterMs).toBe(1000);
    expect(errorFromResponse(respond(503), {}, request, undefined).retryAfterMs).toBeUndefined();
  });

  it('masks the secret in message and body', () => {
    const error = errorFromResponse(respond(401), 'bad token s3cr3t-value', request, 's3cr3t-value');
    expect(error.message).not.toContain('s3cr3t-value');
    expect(error.body).toBe('bad token [REDACTED]');
  });
});
