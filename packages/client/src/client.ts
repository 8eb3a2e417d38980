// The task client: openapi-fetch's typed client for the contract, one task method per row of
// OPERATIONS, and the client's behaviour as middleware (auth, errors) around each attempt.
import createOpenApiClient, { type Middleware } from 'openapi-fetch';
import { Attempt } from './attempt.js';
import { ApiError, NotFoundError } from './errors.js';
import type { components, paths } from './generated/openapi.js';
import { check, checkGuid, isObject } from './internal/checks.js';
import { filenameFromContentDisposition } from './internal/content-disposition.js';
import { guardedBody } from './internal/guarded-body.js';
import { authMiddleware } from './middleware/auth.js';
import { errorsMiddleware } from './middleware/errors.js';
import { AttemptMiddleware } from './middleware/per-attempt.js';
import { OPERATIONS, type Operation, type OperationId, PROJECT_PATH } from './operations.js';
import { type ClientOptions, checkRequestOptions, type RequestOptions, resolveOptions } from './options.js';
import { withRetries } from './retry.js';
import { type FromEnvOptions, resolveConnectionSettings } from './settings.js';
import type { ActionExecution, BlockExecuteRequest, BlockExecution, BlockResults } from './types.js';
import { VERSION } from './version.js';

/** A package being downloaded: read `stream` to the end (or cancel it). */
export interface PackageDownload {
  /** The ZIP bytes as they arrive; errors with NetworkError / TimeoutError, or the abort reason. */
  stream: ReadableStream<Uint8Array>;
  /** From `Content-Disposition`, reduced to a safe file name; `{executionId}.zip` when absent. */
  filename: string;
  /** `Content-Length` when the server sent it (and no content encoding); the stream fails on a mismatch. */
  size: number | undefined;
}

export interface MindzieClient {
  /**
   * Starts the action and answers its new execution (`Queued`). Every call creates an execution, so it
   * is **never retried automatically**: after a network error or a timeout, check `getLastActionExecution`.
   */
  executeAction(actionId: string, options?: RequestOptions): Promise<ActionExecution>;
  /** The action's executions (newest first in the reference example). */
  listActionExecutions(actionId: string, options?: RequestOptions): Promise<ActionExecution[]>;
  /** The action's most recent execution, or `null` when it has none yet (404 "Can't find action"). */
  getLastActionExecution(actionId: string, options?: RequestOptions): Promise<ActionExecution | null>;
  /** One execution: poll it until `Completed` or `Failed` (then `notes` holds the error). */
  getActionExecution(executionId: string, options?: RequestOptions): Promise<ActionExecution>;
  /** Streams the execution's ZIP package; resolves once the response headers arrived. */
  downloadPackage(executionId: string, options?: RequestOptions): Promise<PackageDownload>;
  /** Queues the block with optional run-time `parameters` (202). Every call creates one: **never retried**. */
  executeBlock(blockId: string, body?: BlockExecuteRequest, options?: RequestOptions): Promise<BlockExecution>;
  /** The block's executions ("Block execution history not yet implemented" with an empty list means unsupported). */
  getBlockResults(blockId: string, options?: RequestOptions): Promise<BlockResults>;
  /** Adds openapi-fetch middleware (logging, tracing, headers); it sees every attempt, retries included. */
  use(...middleware: Middleware[]): void;
  /** Removes middleware added with `use`. */
  eject(...middleware: Middleware[]): void;
}

/** A download whose headers arrived: whoever reads its body owns `attempt` from here (idle timer, abort, dispose). */
export interface PackageHead {
  response: Response;
  attempt: Attempt;
  filename: string;
  size: number | undefined;
  /** Retries of the call's budget not spent on getting these headers: what is left for a cut body. */
  retriesLeft: number;
}

/** Sends one attempt's request; the task client's default is the `fetch` of its options. */
export type Transport = (request: Request, attempt: Attempt) => Promise<Response>;

/** How `@mindzie/client/node` asks for a download: its transport (unless the user gave `fetch`), extra headers. */
export interface DownloadRoute {
  /** Used only when the client was given no `fetch`: the user's `fetch` is the user's transport. */
  transport?: Transport | undefined;
  /** A resume's `Range` and `If-Range`. */
  headers?: Record<string, string> | undefined;
}

/**
 * The client's own download operation, for `@mindzie/client/node` (a symbol: not part of the typed
 * surface). A client this package did not make lacks it; downloads then use `downloadPackage`.
 */
export const openDownload = Symbol('openDownload');
export type DownloadOpener = (
  id: string,
  options: RequestOptions | undefined,
  route: DownloadRoute,
) => Promise<PackageHead>;

/** The 404 reason that means "no execution yet" on the last-execution endpoint. */
const NO_EXECUTION_YET: components['schemas']['ActionError']['error'] = "Can't find action";

/** Creates a client for one tenant and project. Throws InvalidArgumentError for bad options. */
function createClientFromOptions(options: ClientOptions): MindzieClient {
  const settings = resolveOptions(options, VERSION);
  const { origin, basePath, fetch, headers } = settings;
  const api = createOpenApiClient<paths>({ baseUrl: origin + basePath, fetch, headers });
  /** The user's middleware (`use`), given to openapi-fetch per attempt after the client's own auth and errors. */
  const used: Middleware[] = [];

  // The attempt's signal goes to fetch, not into openapi-fetch's Request: one derived signal less per call.
  const sendWithSignal: Transport = (request, attempt) => fetch(request, { signal: attempt.signal });

  /** One call: every argument checked, then attempts through openapi-fetch, retried where safe. */
  const call = async (operationId: OperationId, id: string, options?: RequestOptions, extra: CallExtra = {}) => {
    const operation: Operation = OPERATIONS[operationId];
    const path = PROJECT_PATH + operation.path;
    const idName = /\{(\w+)\}/.exec(operation.path)![1]!;
    checkRequestOptions(options);
    checkGuid(idName, id);
    const body = extra.body === undefined ? undefined : checkBlockRequest(extra.body);
    const { tenantId = settings.tenantId, projectId = settings.projectId, signal: caller } = options ?? {};
    const init = {
      params: { path: { tenantId, projectId, [idName]: id } },
      body,
      headers: extra.headers ? { ...options?.headers, ...extra.headers } : options?.headers,
      // Every body is read here, not by openapi-fetch: a failure reading it is the transport's, never a middleware's.
      parseAs: 'stream',
    };
    const maxRetries = operation.unsafe ? 0 : (options?.maxRetries ?? settings.maxRetries);
    const timeoutMs = options?.timeoutMs ?? settings.timeoutMs;
    const send = extra.transport ?? sendWithSignal;
    return withRetries(maxRetries, caller, async (number) => {
      caller?.throwIfAborted();
      const request = { method: operation.method, path };
      const attempt = new Attempt({ request, operationId, number, caller, timeoutMs });
      // Your middleware, per attempt (none: nothing to make; the per-call benchmark has none).
      const listeners = used.length ? new AttemptMiddleware({ operationId, number }) : undefined;
      // The transport's failures become SDK errors here; anything else openapi-fetch throws is a middleware's.
      const fetch = async (request: Request) => {
        attempt.handedOver = true;
        try {
          attempt.answer = await send(request, attempt);
          return attempt.answer;
        } catch (cause) {
          throw attempt.failure(cause);
        }
      };
      const middleware = [authMiddleware(settings.token, attempt), errorsMiddleware(attempt)];
      if (listeners) {
        middleware.push(...listeners.wrap(used));
      }
      try {
        // The row is checked against `paths` (operations.ts); openapi-fetch cannot type a path chosen at run time.
        const method = operation.method.toLowerCase() as 'get';
        const answer = await api.request(method, path as never, { ...init, fetch, middleware } as never);
        if (listeners?.waiting) {
          await listeners.settle({ response: answer.response });
        }
        return await readSuccess(operation, answer.response as Response, attempt, id, maxRetries - number);
      } catch (caught) {
        if (listeners?.waiting) {
          await listeners.settle({ error: caught });
        }
        // A token provider's own failure goes to the caller as it is.
        throw attempt.tokenFailed && !attempt.signal.aborted ? caught : attempt.outcome(caught);
      } finally {
        if (!attempt.kept) {
          attempt.release();
          attempt.dispose();
        }
      }
    });
  };

  const task =
    <T>(operationId: OperationId) =>
    (id: string, options?: RequestOptions) =>
      call(operationId, id, options) as Promise<T>;
  const lastExecution = task<ActionExecution>('getLastActionExecution');
  const fetchGiven = options.fetch !== undefined;
  const download: DownloadOpener = (id, options, route) => {
    const transport = fetchGiven ? undefined : route.transport;
    return call('downloadActionExecutionPackage', id, options, {
      transport,
      headers: route.headers,
    }) as Promise<PackageHead>;
  };
  const client: MindzieClient = {
    executeAction: task('executeAction'),
    listActionExecutions: task('listActionExecutions'),
    getLastActionExecution: (actionId, options) =>
      lastExecution(actionId, options).catch((error: unknown) => {
        if (error instanceof NotFoundError && error.reason === NO_EXECUTION_YET) {
          return null;
        }
        throw error;
      }),
    getActionExecution: task('getActionExecution'),
    downloadPackage: async (executionId, options) => {
      const head = await download(executionId, options, {});
      return { stream: guardedBody(head.response, head.size, head.attempt), filename: head.filename, size: head.size };
    },
    executeBlock: (id, body, options) => call('executeBlock', id, options, { body }) as Promise<BlockExecution>,
    getBlockResults: task('getBlockResults'),
    use: (...middleware) => {
      checkMiddleware(middleware);
      used.push(...middleware.filter(Boolean));
    },
    eject: (...middleware) => {
      for (const one of middleware) {
        const at = used.indexOf(one);
        if (at !== -1) {
          used.splice(at, 1);
        }
      }
    },
  };
  // Not enumerable: a wrapper made with `{ ...client, downloadPackage }` must not inherit it (it downloads its way).
  Object.defineProperty(client, openDownload, { value: download });
  return client;
}

/**
 * A client from the `MINDZIE_BASE_URL`, `MINDZIE_TOKEN`, `MINDZIE_TENANT_ID` and `MINDZIE_PROJECT_ID`
 * variables of `options.env` (default: `process.env`, read now). Any ClientOptions beside `env` win over
 * the variables. Throws one ConfigurationError naming every missing or invalid setting.
 */
function fromEnv(options: FromEnvOptions = {}): MindzieClient {
  const { env, ...explicit } = options;
  return createClientFromOptions({ ...explicit, ...resolveConnectionSettings(explicit, env) });
}

/**
 * Creates a client for one tenant and project: `createClient(options)`, or `createClient.fromEnv()` from the
 * `MINDZIE_*` variables. Throws InvalidArgumentError for bad options (ConfigurationError from `fromEnv`).
 */
// Pure: a bundle that only needs `clientInternals` (the /node entry) leaves the client and openapi-fetch out.
export const createClient: typeof createClientFromOptions & { fromEnv: typeof fromEnv } = /* @__PURE__ */ Object.assign(
  createClientFromOptions,
  { fromEnv },
);

interface CallExtra {
  body?: BlockExecuteRequest | undefined;
  transport?: Transport | undefined;
  headers?: Record<string, string> | undefined;
}

/** As openapi-fetch's `use` checks what it is given (per-attempt middleware skips that check). */
function checkMiddleware(list: unknown[]): void {
  for (const m of list) {
    if (m && (!isObject(m) || !('onRequest' in m || 'onResponse' in m || 'onError' in m))) {
      throw new Error('Middleware must be an object with one of `onRequest()`, `onResponse() or `onError()`');
    }
  }
}

/** A success answer as the task method returns it: parsed JSON (its `items` for a list), or a package head. */
async function readSuccess(
  operation: Operation,
  response: Response,
  attempt: Attempt,
  id: string,
  retriesLeft: number,
) {
  if (operation.read === 'stream') {
    return packageHead(response, attempt, id, retriesLeft);
  }
  let text: string;
  try {
    text = await response.text();
  } catch (cause) {
    throw attempt.failure(cause); // the answer was cut: a NetworkError
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Masked before the cut: a cut token would escape the mask.
    throw unexpected(response, attempt, (attempt.redact(text) as string).slice(0, 2000));
  }
  if (operation.read === undefined) {
    return parsed;
  }
  const items = (parsed as components['schemas']['ActionExecutionList'] | null)?.items;
  if (!Array.isArray(items)) {
    throw unexpected(response, attempt, parsed);
  }
  return items;
}

function unexpected(response: Response, attempt: Attempt, body: unknown): ApiError {
  const { status } = response;
  const init = { status, body: attempt.redact(body), request: attempt.request };
  return new ApiError(`Unexpected body from ${attempt.describe()} (${status})`, init);
}

/** Once the headers arrived: file name and size; the body's reader takes the attempt (timer off until it reads). */
function packageHead(response: Response, attempt: Attempt, executionId: string, retriesLeft: number): PackageHead {
  attempt.kept = true;
  attempt.disarm();
  if (response !== attempt.answer) {
    // A middleware replaced the answer: its body is the one to read; the transport's is released.
    attempt.release();
    attempt.answer = response;
    attempt.nodeBody = undefined;
  }
  const { headers } = response;
  const length = headers.get('Content-Length');
  // With a content encoding, Content-Length counts the encoded bytes, not the ones the body yields.
  const identity = /^(identity)?$/i.test(headers.get('Content-Encoding') ?? '');
  const size = length && /^\d+$/.test(length) && identity ? Number(length) : undefined;
  const filename = filenameFromContentDisposition(headers.get('Content-Disposition'), `${executionId}.zip`);
  return { response, attempt, filename, size, retriesLeft };
}

/** The body of execute-block, checked before anything is sent (openapi-fetch serialises it). */
function checkBlockRequest(body: BlockExecuteRequest): BlockExecuteRequest {
  check(isObject(body), 'body', 'an object like { parameters: { … } }');
  check(body.parameters === undefined || isObject(body.parameters), 'parameters', 'an object of names to values');
  try {
    JSON.stringify(body);
  } catch {
    check(false, 'body', 'serialisable as JSON');
  }
  return body;
}
