// @mindzie/client/raw: openapi-fetch's typed client for every path of the contract, errors as
// values. It shares the task client's token middleware; it adds no retries and no timeout.
import createOpenApiClient, { type Client, type Middleware } from 'openapi-fetch';
import type { paths } from './generated/openapi.js';
import { redactCause, redactText } from './internal/redact.js';
import { authMiddleware } from './middleware/auth.js';
import { type ClientOptions, resolveOptions } from './options.js';
import { VERSION } from './version.js';

/** The typed openapi-fetch client: `const { data, error, response } = await raw.GET(path, { params })`. */
export type RawClient = Client<paths>;

/**
 * Creates the raw client from the same options as `createClient` (checked the same way; throws
 * InvalidArgumentError). It sends the token (asked for each request), your default headers and the
 * User-Agent, and masks the token in thrown errors and in `error` bodies. No retries, no timeout
 * (`timeoutMs` and `maxRetries` are not used: pass `signal`), and errors come back as values, as
 * openapi-fetch does. Path parameters, `tenantId` and `projectId` included, are given per call.
 */
export function createRawClient(options: ClientOptions): RawClient {
  const settings = resolveOptions(options, VERSION);
  const raw = createOpenApiClient<paths>({
    baseUrl: settings.origin + settings.basePath,
    fetch: settings.fetch,
    headers: settings.headers,
  });
  raw.use(authMiddleware(settings.token), maskingMiddleware);
  return raw;
}

/** The secret to mask: whatever this request sent as its bearer token. */
const secretOf = (request: Request) => request.headers.get('Authorization')?.replace(/^Bearer /, '') || undefined;

const maskingMiddleware: Middleware = {
  async onResponse({ request, response }) {
    const secret = secretOf(request);
    if (response.ok || !secret) {
      return undefined;
    }
    const text = await response.clone().text();
    // As written, and as it appears inside a JSON string (escapes included).
    const masked = redactText(redactText(text, secret), JSON.stringify(secret).slice(1, -1));
    return masked === text ? undefined : new Response(masked, response);
  },
  onError({ request, error }) {
    const secret = secretOf(request);
    const safe = secret ? redactCause(error, secret) : error;
    return safe === error ? undefined : (safe as Error);
  },
};
