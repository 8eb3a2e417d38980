import { check, checkGuid, isHeaderName, isHeaderValue, isObject } from './internal/checks.js';

/** How a client reaches one mindzieStudio project. */
export interface ClientOptions {
  /** Your instance, e.g. `https://your-mindzie-instance.com` (without `/api`: the client adds `/api/{tenantId}/{projectId}`). */
  baseUrl: string;
  /** The bearer token, or a function that returns a fresh one; it is called before every attempt. */
  token: string | (() => string | Promise<string>);
  /** Your tenant (a GUID). Can be overridden per call. */
  tenantId: string;
  /** Your project (a GUID). Can be overridden per call. */
  projectId: string;
  /** A fetch implementation (default: `globalThis.fetch`). */
  fetch?: typeof fetch;
  /** Headers sent with every request (`Authorization` is not allowed here: use `token`). */
  headers?: Record<string, string>;
  /** `User-Agent` to send. Default outside browsers: `@mindzie/client/<version>`; browsers send their own. */
  userAgent?: string;
  /**
   * Milliseconds each attempt may take (default 30 000). JSON calls: until the whole body is read.
   * Downloads: until the response headers, then again between any two chunks (an idle timeout),
   * so a healthy stream of any length is never cut.
   */
  timeoutMs?: number;
  /** Retries of requests that are safe to repeat (default 2). Execute-action and execute-block are never retried. */
  maxRetries?: number;
}

/** Per-call settings; each overrides the client's. */
export interface RequestOptions {
  /** Aborts the call; it rejects with the signal's `reason`, as fetch does. */
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Ignored by execute-action and execute-block, which are never retried. */
  maxRetries?: number;
  tenantId?: string;
  projectId?: string;
  /** Extra headers for this call (`Authorization` is not allowed). */
  headers?: Record<string, string>;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_RETRIES = 2;

/** Checks everything that can be checked before a request exists; throws InvalidArgumentError. */
export function resolveOptions(options: ClientOptions, version: string) {
  check(isObject(options), 'options', 'an object');
  checkRequestOptions(options);
  let url: URL | undefined;
  try {
    url = new URL(options.baseUrl);
  } catch {}
  check(
    url &&
      /^https?:$/.test(url.protocol) &&
      !url.username &&
      !url.password &&
      !url.search &&
      !url.hash &&
      !/\/api\/?$/i.test(url.pathname),
    'baseUrl',
    'an http(s) URL without credentials, query or /api',
  );
  checkGuid('tenantId', options.tenantId);
  checkGuid('projectId', options.projectId);
  const fetchImpl = options.fetch ?? globalThis.fetch;
  check(typeof fetchImpl === 'function', 'fetch', 'a fetch function (there is no global one here)');
  // Browsers refuse or ignore a User-Agent header, and an extra header can fail a CORS preflight.
  const {
    token,
    userAgent = typeof (globalThis as { document?: unknown }).document !== 'undefined'
      ? undefined
      : `@mindzie/client/${version}`,
  } = options;
  check(
    typeof token === 'function' || validToken(token),
    'token',
    'a non-empty string without line breaks, or a function returning one',
  );
  check(userAgent === undefined || validHeader('User-Agent', userAgent), 'userAgent', 'a one-line string');
  return {
    /** `https://host`, and the sub-path before `/api` ('' or `/mindzie`). */
    origin: url!.origin,
    basePath: url!.pathname.replace(/\/+$/, ''),
    tenantId: options.tenantId,
    projectId: options.projectId,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxRetries: options.maxRetries ?? DEFAULT_MAX_RETRIES,
    fetch: fetchImpl,
    headers: userAgent ? { ...options.headers, 'User-Agent': userAgent } : { ...options.headers },
    // Trimmed, as a header value is on the wire: what is masked in errors is exactly what a server
    // can echo back (a trailing space from a .env file would defeat the mask). Constant: no await.
    token:
      typeof token === 'function'
        ? async () => {
            const value = await token();
            check(validToken(value), 'token', 'a non-empty string without line breaks');
            return value.trim();
          }
        : (
            (trimmed) => () =>
              trimmed
          )(token.trim()),
  };
}

/** Checks the settings a call may override (and the client's own); throws InvalidArgumentError. */
export function checkRequestOptions(options: RequestOptions | undefined): void {
  if (options === undefined) {
    return;
  }
  check(isObject(options), 'options', 'an object');
  const { timeoutMs, maxRetries, headers, signal } = options;
  // setTimeout's limit is 2^31 - 1 ms
  check(
    timeoutMs === undefined || (typeof timeoutMs === 'number' && timeoutMs > 0 && timeoutMs < 2 ** 31),
    'timeoutMs',
    'a number of milliseconds from 1 to 2^31-1',
  );
  check(
    maxRetries === undefined || (Number.isInteger(maxRetries) && maxRetries >= 0 && maxRetries <= 10),
    'maxRetries',
    'an integer from 0 to 10',
  );
  if (options.tenantId !== undefined) {
    checkGuid('tenantId', options.tenantId);
  }
  if (options.projectId !== undefined) {
    checkGuid('projectId', options.projectId);
  }
  check(signal === undefined || typeof signal?.addEventListener === 'function', 'signal', 'an AbortSignal');
  check(
    headers === undefined ||
      (isObject(headers) &&
        Object.entries(headers).every(([name, value]) => validHeader(name, value) && !/^authorization$/i.test(name))),
    'headers',
    'an object of header names and one-line string values, without Authorization (pass token instead)',
  );
}

/** What fetch and node:http would refuse only when sending, checked before anything is. */
const validHeader = (name: string, value: unknown) => isHeaderName(name) && isHeaderValue(value);

function validToken(token: unknown): token is string {
  return typeof token === 'string' && token.trim() !== '' && validHeader('Authorization', token);
}
