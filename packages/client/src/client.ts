import createOpenApiClient, { type Client } from 'openapi-fetch';
import { ApiError, InvalidArgumentError, NotFoundError, type RequestDescription } from './errors.js';
import type { components, paths } from './generated/openapi.js';
import { filenameFromContentDisposition } from './internal/content-disposition.js';
import { guardedBody } from './internal/guarded-body.js';
import { assertGuid } from './internal/guid.js';
import { send, type Call, type KeptAttempt, type SendContext } from './internal/send.js';
import { checkRequestOptions, resolveOptions, type ClientOptions, type RequestOptions } from './options.js';
import type { ActionExecution, BlockExecuteRequest, BlockExecution, BlockResults } from './types.js';
import { VERSION } from './version.js';

/** The typed openapi-fetch client for every path (auth and default headers applied; no retries, no timeout). */
export type RawClient = Client<paths>;

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
   * Starts the action and answers its new execution (`Queued`). Every call creates an execution,
   * so it is **never retried automatically**: on a network error or a timeout, check
   * `getLastActionExecution` before calling it again.
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
  /**
   * Queues the block with optional run-time `parameters` (202). Every call creates an execution,
   * so it is **never retried automatically**.
   */
  executeBlock(blockId: string, body?: BlockExecuteRequest, options?: RequestOptions): Promise<BlockExecution>;
  /**
   * The block's executions. The vendor's current server answers an empty list with the message
   * "Block execution history not yet implemented": treat that as "unsupported", not "still running".
   */
  getBlockResults(blockId: string, options?: RequestOptions): Promise<BlockResults>;
  /** The typed openapi-fetch client, for any path as the contract defines it. */
  readonly raw: RawClient;
}

/** The 404 reason that means "no execution yet" on the last-execution endpoint. */
const NO_EXECUTION_YET: components['schemas']['ActionError']['error'] = "Can't find action";

/** Creates a client for one tenant and project. Throws InvalidArgumentError for bad options. */
export function createClient(options: ClientOptions): MindzieClient {
  const settings = resolveOptions(options, VERSION);
  const openApiOptions = { baseUrl: settings.baseUrl, fetch: settings.fetch, headers: settings.headers };
  // Two instances: the task methods pass the token per attempt (they must know it to redact it);
  // `raw` gets it from a middleware so every path works with no extra code.
  const core = createOpenApiClient<paths>(openApiOptions);
  const raw = createOpenApiClient<paths>(openApiOptions);
  raw.use({
    async onRequest({ request }) {
      if (!request.headers.has('Authorization')) request.headers.set('Authorization', `Bearer ${await settings.token()}`);
    },
  });
  const context: SendContext = { token: settings.token, timeoutMs: settings.timeoutMs, maxRetries: settings.maxRetries };

  /** The path parameters of a call, every id checked before anything is sent. */
  function pathParams<Ids extends Record<string, string>>(ids: Ids, options: RequestOptions | undefined) {
    checkRequestOptions(options);
    for (const [name, value] of Object.entries(ids)) assertGuid(name, value);
    return { tenantId: options?.tenantId ?? settings.tenantId, projectId: options?.projectId ?? settings.projectId, ...ids };
  }

  function call(
    method: 'GET' | 'POST',
    template: keyof paths,
    path: Record<string, string>,
    safeToRetry: boolean,
    options: RequestOptions | undefined,
    sendOnce: Call['send'],
  ): Call {
    const filled = template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(path[name] ?? ''));
    return {
      request: { method, path: settings.basePath + filled },
      safeToRetry,
      signal: options?.signal,
      timeoutMs: options?.timeoutMs,
      maxRetries: options?.maxRetries,
      send: sendOnce,
    };
  }

  const init = (options: RequestOptions | undefined, auth: string, signal: AbortSignal) => ({
    parseAs: 'stream' as const,
    signal,
    headers: options?.headers ? { ...options.headers, Authorization: auth } : { Authorization: auth },
  });

  return {
    raw,

    async executeAction(actionId, options) {
      const path = pathParams({ actionId }, options);
      const template = '/api/{tenantId}/{projectId}/action/execute/{actionId}';
      return send(
        context,
        call('GET', template, path, false, options, (auth, signal) => core.GET(template, { params: { path }, ...init(options, auth, signal) })),
        readJson<ActionExecution>,
      );
    },

    async listActionExecutions(actionId, options) {
      const path = pathParams({ actionId }, options);
      const template = '/api/{tenantId}/{projectId}/actionexecution/action/{actionId}';
      const request = call('GET', template, path, true, options, (auth, signal) => core.GET(template, { params: { path }, ...init(options, auth, signal) }));
      const list = await send(context, request, readJson<components['schemas']['ActionExecutionList']>);
      if (!Array.isArray(list?.items)) throw new ApiError(`Expected {"items":[…]} from ${describe(request.request)}`, { status: 200, body: list, request: request.request });
      return list.items;
    },

    async getLastActionExecution(actionId, options) {
      const path = pathParams({ actionId }, options);
      const template = '/api/{tenantId}/{projectId}/actionexecution/lastaction/{actionId}';
      try {
        return await send(
          context,
          call('GET', template, path, true, options, (auth, signal) => core.GET(template, { params: { path }, ...init(options, auth, signal) })),
          readJson<ActionExecution>,
        );
      } catch (error) {
        if (error instanceof NotFoundError && error.reason === NO_EXECUTION_YET) return null;
        throw error;
      }
    },

    async getActionExecution(executionId, options) {
      const path = pathParams({ executionId }, options);
      const template = '/api/{tenantId}/{projectId}/actionexecution/{executionId}';
      return send(
        context,
        call('GET', template, path, true, options, (auth, signal) => core.GET(template, { params: { path }, ...init(options, auth, signal) })),
        readJson<ActionExecution>,
      );
    },

    async downloadPackage(executionId, options) {
      const path = pathParams({ executionId }, options);
      const template = '/api/{tenantId}/{projectId}/actionexecution/downloadpackage/{executionId}';
      const request = call('GET', template, path, true, options, (auth, signal) => core.GET(template, { params: { path }, ...init(options, auth, signal) }));
      return send(context, request, async (response, attempt): Promise<PackageDownload> => {
        attempt.keep(); // the stream owns the attempt's signal from here: idle timeout and caller abort
        attempt.signal.disarm();
        const size = contentLength(response.headers);
        const body = response.body ?? new ReadableStream<Uint8Array>({ start: (controller) => controller.close() });
        return {
          stream: guardedBody(body, size, attempt, request.request),
          filename: filenameFromContentDisposition(response.headers.get('Content-Disposition'), `${executionId}.zip`),
          size,
        };
      });
    },

    async executeBlock(blockId, body, options) {
      const path = pathParams({ blockId }, options);
      const serialized = serializeBlockRequest(body);
      const template = '/api/{tenantId}/{projectId}/block/{blockId}/execute';
      return send(
        context,
        call('POST', template, path, false, options, (auth, signal) =>
          core.POST(template, { params: { path }, body, bodySerializer: () => serialized, ...init(options, auth, signal) }),
        ),
        readJson<BlockExecution>,
      );
    },

    async getBlockResults(blockId, options) {
      const path = pathParams({ blockId }, options);
      const template = '/api/{tenantId}/{projectId}/block/{blockId}/results';
      return send(
        context,
        call('GET', template, path, true, options, (auth, signal) => core.GET(template, { params: { path }, ...init(options, auth, signal) })),
        readJson<BlockResults>,
      );
    },
  };
}

/** Reads a success body as JSON; a body that is not JSON is an ApiError, not a crash. */
async function readJson<T>(response: Response, attempt: KeptAttempt): Promise<T> {
  const text = await response.text();
  try {
    return JSON.parse(text) as T;
  } catch {
    const request = attempt.request;
    throw new ApiError(`Expected a JSON body from ${describe(request)} (${response.status})`, {
      status: response.status,
      body: attempt.redact(text.length > 2000 ? `${text.slice(0, 2000)}…` : text),
      request,
    });
  }
}

function describe(request: RequestDescription): string {
  return `${request.method} ${request.path}`;
}

/** The body of execute-block, checked and serialised before anything is sent. */
function serializeBlockRequest(body: BlockExecuteRequest | undefined): string | undefined {
  if (body === undefined) return undefined;
  if (!isPlainObject(body)) throw new InvalidArgumentError('body', 'body must be an object such as { parameters: { … } }');
  if (body.parameters !== undefined && !isPlainObject(body.parameters)) {
    throw new InvalidArgumentError('parameters', 'parameters must be an object of names to values');
  }
  try {
    return JSON.stringify(body);
  } catch (cause) {
    throw new InvalidArgumentError('body', `body cannot be sent as JSON: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Content-Length when it describes the bytes the stream will yield (not with a content encoding). */
function contentLength(headers: Headers): number | undefined {
  const encoding = headers.get('Content-Encoding');
  if (encoding && encoding.toLowerCase() !== 'identity') return undefined;
  const value = headers.get('Content-Length');
  return value !== null && /^\d+$/.test(value.trim()) ? Number(value) : undefined;
}
