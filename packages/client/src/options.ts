import {
  BASE_URL_RULE,
  check,
  checkGuid,
  isHeaderName,
  isHeaderValue,
  isObject,
  plainBaseUrl,
  TOKEN_RULE,
  validToken,
} from './internal/checks.js';

/** How a client reaches one mindzieStudio project. */
export interface ClientOptions {
  /** Your instance, e.g. `https://your-mindzie-instance.com` (no `/api`: the client adds it and the ids). */
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

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_RETRIES = 2;

/** Checks everything that can be checked before a request exists; throws InvalidArgumentError. */
export function resolveOptions(options: ClientOptions, version: string) {
  check(isObject(options), 'options', 'an object');
  checkRequestOptions(options);
  const url = plainBaseUrl(options.baseUrl);
  check(url, 'baseUrl', BASE_URL_RULE);
  checkGuid('tenantId', options.tenantId);
  checkGuid('projectId', options.projectId);
  const fetch = options.fetch ?? globalThis.fetch;
  check(typeof fetch === 'function', 'fetch', 'a fetch function (there is no global one here)');
  // Browsers refuse or ignore a User-Agent header, and an extra header can fail a CORS preflight.
  const inBrowser = typeof (globalThis as { document?: unknown }).document !== 'undefined';
  const { token, userAgent = inBrowser ? undefined : `@mindzie/client/${version}` } = options;
  check(typeof token === 'function' || validToken(token), 'token', `${TOKEN_RULE}, or a function returning one`);
  check(userAgent === undefined || validHeader('User-Agent', userAgent), 'userAgent', 'a one-line string');
  // Trimmed, as a header value is on the wire: what is masked in errors is exactly what a server
  // can echo back (a trailing space from a .env file would defeat the mask). Constant: no await.
  const trimmed = typeof token === 'string' ? token.trim() : '';
  const provider = async () => {
    const value = await (token as () => string | Promise<string>)();
    check(validToken(value), 'token', TOKEN_RULE);
    return value.trim();
  };
  return {
    /** `https://host`, and the sub-path before `/api` ('' or `/mindzie`). */
    origin: url!.origin,
    basePath: url!.pathname.replace(/\/+$/, ''),
    tenantId: options.tenantId,
    projectId: options.projectId,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxRetries: options.maxRetries ?? DEFAULT_MAX_RETRIES,
    fetch,
    headers: userAgent ? { ...options.headers, 'User-Agent': userAgent } : { ...options.headers },
    token: typeof token === 'function' ? provider : () => trimmed,
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
  const timeoutOk = typeof timeoutMs === 'number' && timeoutMs > 0 && timeoutMs < 2 ** 31;
  check(timeoutMs === undefined || timeoutOk, 'timeoutMs', 'a number of milliseconds from 1 to 2^31-1');
  const retriesOk = Number.isInteger(maxRetries) && maxRetries! >= 0 && maxRetries! <= 10;
  check(maxRetries === undefined || retriesOk, 'maxRetries', 'an integer from 0 to 10');
  for (const name of ['tenantId', 'projectId'] as const) {
    if (options[name] !== undefined) {
      checkGuid(name, options[name]);
    }
  }
  check(signal === undefined || typeof signal?.addEventListener === 'function', 'signal', 'an AbortSignal');
  const entries = isObject(headers) ? Object.entries(headers) : [['', '']];
  const headersOk = entries.every(([name, value]) => validHeader(name!, value) && !/^authorization$/i.test(name!));
  const headersRule =
    'an object of header names and one-line string values, without Authorization (pass token instead)';
  check(headers === undefined || headersOk, 'headers', headersRule);
}

/** What fetch and node:http would refuse only when sending, checked before anything is. */
const validHeader = (name: string, value: unknown) => isHeaderName(name) && isHeaderValue(value);
