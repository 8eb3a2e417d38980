import { InvalidArgumentError } from './errors.js';
import { assertGuid } from './internal/guid.js';

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
const MAX_TIMER_MS = 2_147_483_647; // setTimeout's limit

/** The checked, normalised options a client runs on. */
export interface ResolvedOptions {
  baseUrl: string;
  basePath: string;
  tenantId: string;
  projectId: string;
  timeoutMs: number;
  maxRetries: number;
  fetch: typeof fetch;
  headers: Record<string, string>;
  token: () => Promise<string>;
}

/** Checks everything that can be checked before a request exists; throws InvalidArgumentError. */
export function resolveOptions(options: ClientOptions, version: string): ResolvedOptions {
  if (options === null || typeof options !== 'object') throw new InvalidArgumentError('options', 'createClient needs an options object');
  const url = parseBaseUrl(options.baseUrl);
  assertGuid('tenantId', options.tenantId);
  assertGuid('projectId', options.projectId);
  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== 'function') throw new InvalidArgumentError('fetch', 'No global fetch here: pass options.fetch');
  const headers = checkHeaders('headers', options.headers);
  const userAgent = options.userAgent ?? (isBrowser() ? undefined : `@mindzie/client/${version}`);
  if (userAgent !== undefined) headers['User-Agent'] = userAgent;
  return {
    baseUrl: url.origin + url.pathname.replace(/\/+$/, ''),
    basePath: url.pathname.replace(/\/+$/, ''),
    tenantId: options.tenantId,
    projectId: options.projectId,
    timeoutMs: checkTimeout('timeoutMs', options.timeoutMs) ?? DEFAULT_TIMEOUT_MS,
    maxRetries: checkRetries('maxRetries', options.maxRetries) ?? DEFAULT_MAX_RETRIES,
    fetch: fetchImpl,
    headers,
    token: tokenSource(options.token),
  };
}

/** Checks per-call options before anything is sent; throws InvalidArgumentError. */
export function checkRequestOptions(options: RequestOptions | undefined): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object') throw new InvalidArgumentError('options', 'request options must be an object');
  checkTimeout('timeoutMs', options.timeoutMs);
  checkRetries('maxRetries', options.maxRetries);
  if (options.tenantId !== undefined) assertGuid('tenantId', options.tenantId);
  if (options.projectId !== undefined) assertGuid('projectId', options.projectId);
  const signal = options.signal as { aborted?: unknown; addEventListener?: unknown } | undefined;
  if (signal !== undefined && (typeof signal?.addEventListener !== 'function' || typeof signal.aborted !== 'boolean')) {
    throw new InvalidArgumentError('signal', 'signal must be an AbortSignal');
  }
  checkHeaders('headers', options.headers);
}

function parseBaseUrl(baseUrl: unknown): URL {
  let url: URL;
  try {
    url = new URL(String(baseUrl));
  } catch {
    throw new InvalidArgumentError('baseUrl', 'baseUrl must be an absolute URL such as https://your-mindzie-instance.com');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new InvalidArgumentError('baseUrl', 'baseUrl must use https: or http:');
  if (url.username || url.password) throw new InvalidArgumentError('baseUrl', 'baseUrl must not carry credentials: use token');
  if (url.search || url.hash) throw new InvalidArgumentError('baseUrl', 'baseUrl must not have a query or a fragment');
  if (/\/api\/?$/i.test(url.pathname)) throw new InvalidArgumentError('baseUrl', 'baseUrl must not end with /api: the client adds /api/{tenantId}/{projectId}');
  return url;
}

function tokenSource(token: ClientOptions['token']): () => Promise<string> {
  if (typeof token === 'string') {
    checkToken(token);
    const constant = Promise.resolve(token);
    return () => constant;
  }
  if (typeof token !== 'function') throw new InvalidArgumentError('token', 'token must be a string or a function that returns one');
  return async () => checkToken(await token());
}

function checkToken(token: unknown): string {
  // Never echo the value: it may be a real token with a typo.
  if (typeof token !== 'string' || token.trim() === '') throw new InvalidArgumentError('token', 'token must be a non-empty string');
  if (/[\r\n]/.test(token)) throw new InvalidArgumentError('token', 'token must not contain line breaks');
  return token;
}

function checkHeaders(argument: string, headers: unknown): Record<string, string> {
  if (headers === undefined) return {};
  if (headers === null || typeof headers !== 'object' || Array.isArray(headers)) throw new InvalidArgumentError(argument, `${argument} must be an object of header names to strings`);
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() === 'authorization') throw new InvalidArgumentError(argument, `${argument} must not set Authorization: pass token instead`);
    if (typeof value !== 'string') throw new InvalidArgumentError(argument, `${argument}.${name} must be a string`);
  }
  return { ...(headers as Record<string, string>) };
}

function checkTimeout(argument: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !(value > 0) || value > MAX_TIMER_MS) throw new InvalidArgumentError(argument, `${argument} must be a number of milliseconds between 1 and ${MAX_TIMER_MS}`);
  return value;
}

function checkRetries(argument: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 10) throw new InvalidArgumentError(argument, `${argument} must be an integer from 0 to 10`);
  return value;
}

/** Browsers refuse or ignore a User-Agent header, and an extra header can fail a CORS preflight. */
function isBrowser(): boolean {
  return typeof (globalThis as { document?: unknown }).document !== 'undefined';
}
