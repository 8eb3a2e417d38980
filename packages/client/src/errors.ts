import type { components } from './generated/openapi.js';

// The one error hierarchy of the SDK. The poller and the CLI extend it; nothing
// redefines it. Tokens never reach any field or message here: requests are described
// by method and path only (no host, no headers).

type Schemas = components['schemas'];

/** The documented 404 reasons, exactly as the server writes them (`error` or `Error`). */
export type NotFoundReason = Schemas['ActionError' | 'ExecutionError']['error'] | Schemas['BlockError']['Error'];

/** What every SDK error carries about the request that failed, when there was one. */
export interface RequestDescription {
  /** HTTP method, upper case. */
  method: string;
  /** Path and query without scheme, host or credentials, e.g. `/api/{tenant}/{project}/actionexecution/{id}`. */
  path: string;
}

/** Base class of every error the SDK throws. Branch with `instanceof`. */
export class MindzieError extends Error {
  override name = 'MindzieError';
  // `declare`: set by the constructor only (no field initialiser to emit and run first).
  declare readonly method: string | undefined;
  declare readonly path: string | undefined;

  constructor(message: string, options: { request?: RequestDescription; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.method = options.request?.method;
    this.path = options.request?.path;
  }

  /** A plain object for logs and `JSON.stringify`: name, message and the fields above, never headers or a token. */
  toJSON(): Record<string, unknown> {
    return { ...(this as object), name: this.name, message: this.message };
  }
}

/** An argument that can be checked locally was wrong; no request was sent. */
export class InvalidArgumentError extends MindzieError {
  override name = 'InvalidArgumentError';
  /** The argument that was wrong, e.g. `actionId`. */
  declare readonly argument: string;
  constructor(argument: string, message: string) {
    super(message);
    this.argument = argument;
  }
}

/** One connection setting that was missing or invalid, as `ConfigurationError.problems` lists it. */
export interface SettingProblem {
  /** The client option, e.g. `tenantId`. */
  setting: 'baseUrl' | 'token' | 'tenantId' | 'projectId';
  /** Its environment variable, e.g. `MINDZIE_TENANT_ID`. */
  variable: string;
  /** Where the bad value came from: an explicit option (or CLI flag), the environment, or nowhere (missing). */
  source: 'option' | 'environment' | 'none';
  problem: 'missing' | 'invalid';
  /** What a valid value looks like. Values themselves are never repeated (one may be a token). */
  expected: string;
}

/**
 * Settings for `createClient.fromEnv()` (or the CLI) were missing or invalid; nothing was sent.
 * `problems` names every one of them at once; `argument` is the first.
 */
export class ConfigurationError extends InvalidArgumentError {
  override name = 'ConfigurationError';
  declare readonly problems: readonly SettingProblem[];
  constructor(problems: readonly SettingProblem[], message = describeProblems(problems)) {
    super(problems[0]?.setting ?? 'settings', message);
    this.problems = problems;
  }
}

function describeProblems(problems: readonly SettingProblem[]): string {
  const each = problems.map((p) =>
    p.problem === 'missing'
      ? `${p.variable} is not set (or pass ${p.setting})`
      : `${p.source === 'option' ? p.setting : p.variable} must be ${p.expected}`,
  );
  return `Missing or invalid settings: ${each.join('; ')}.`;
}

type ApiErrorInit = { status: number; body: unknown; request: RequestDescription; retryAfterMs?: number };

/** The server answered with a status the operation does not treat as success. */
export class ApiError extends MindzieError {
  override name = 'ApiError';
  declare readonly status: number;
  /** The parsed body: JSON when it parsed, otherwise the text (the 401 body is free text). */
  declare readonly body: unknown;
  /** Milliseconds the server asked to wait (`Retry-After`, seconds or HTTP date), when it said. */
  declare readonly retryAfterMs: number | undefined;

  constructor(message: string, init: ApiErrorInit) {
    super(message, { request: init.request });
    this.status = init.status;
    this.body = init.body;
    this.retryAfterMs = init.retryAfterMs;
  }
}

/** 401: the token is missing, expired or invalid. `message` keeps the server's text. */
export class UnauthorizedError extends ApiError {
  override name = 'UnauthorizedError';
}

/** 404 with one of the documented reasons (or `undefined` when the body named none). */
export class NotFoundError extends ApiError {
  override name = 'NotFoundError';
  declare readonly reason: NotFoundReason | undefined;
  constructor(message: string, init: ApiErrorInit & { reason: NotFoundReason | undefined }) {
    super(message, init);
    this.reason = init.reason;
  }
}

/** 429: too many requests. `retryAfterMs` holds the server's hint when it gave one. */
export class RateLimitError extends ApiError {
  override name = 'RateLimitError';
}

/** 5xx from the server (or a proxy in front of it). */
export class ServerError extends ApiError {
  override name = 'ServerError';
}

/** The request never got an HTTP answer: DNS, refused or reset connection, a cut stream. */
export class NetworkError extends MindzieError {
  override name = 'NetworkError';
  /**
   * True when the request certainly never left this machine (connection refused, DNS, TLS
   * handshake, aborted before sending): the server cannot have acted on it. False: it may have.
   */
  declare readonly notSent: boolean;
  constructor(message: string, options: { request?: RequestDescription; cause?: unknown; notSent?: boolean } = {}) {
    super(message, options);
    this.notSent = options.notSent ?? false;
  }
}

/**
 * A middleware (yours, added with `use`) threw: its error is `cause`. Never retried. `notSent`
 * says it threw before the request left (in `onRequest`): the server cannot have acted on it.
 */
export class MiddlewareError extends MindzieError {
  override name = 'MiddlewareError';
  declare readonly notSent: boolean;
  constructor(message: string, options: { request: RequestDescription; cause: unknown; notSent: boolean }) {
    super(message, options);
    this.notSent = options.notSent;
  }
}

/** The request (or a wait) ran past its time limit. */
export class TimeoutError extends NetworkError {
  override name = 'TimeoutError';
}
