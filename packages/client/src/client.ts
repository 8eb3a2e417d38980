import { ApiError, NotFoundError } from './errors.js';
import type { components, paths } from './generated/openapi.js';
import { check, checkGuid, isObject } from './internal/checks.js';
import { filenameFromContentDisposition } from './internal/content-disposition.js';
import { guardedBody } from './internal/guarded-body.js';
import { send, type Attempt, type HttpResponse } from './internal/send.js';
import { checkRequestOptions, resolveOptions, type ClientOptions, type RequestOptions } from './options.js';
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
}

/** How one attempt goes out: the client's `fetch`, or Node's own HTTP client (`@mindzie/client/node`). */
export type Transport<R extends HttpResponse = HttpResponse> = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string | undefined; signal: AbortSignal },
) => Promise<R>;

/** A download whose headers arrived: whoever reads `response`'s body owns `attempt` from here (idle timer, abort, dispose). */
export interface PackageHead<R extends HttpResponse = HttpResponse> {
  response: R;
  attempt: Attempt;
  filename: string;
  size: number | undefined;
}

/**
 * For `@mindzie/client/node` only: a client's own download request (argument checks, URL, headers,
 * retries, error mapping) sent over another transport. Not part of the public API.
 */
export const clientInternals = new WeakMap<
  MindzieClient,
  { customFetch: boolean; downloadHead<R extends HttpResponse>(executionId: string, options: RequestOptions | undefined, transport: Transport<R>): Promise<PackageHead<R>> }
>();

type Read<T> = (response: HttpResponse, attempt: Attempt, id: string) => T | Promise<T>;

/** The contract's paths that have an operation for `method`: a method the spec does not define fails to compile. */
type PathWith<Method extends 'get' | 'post'> = { [P in keyof paths]: paths[P][Method] extends undefined ? never : P }[keyof paths];

/** The 404 reason that means "no execution yet" on the last-execution endpoint. */
const NO_EXECUTION_YET: components['schemas']['ActionError']['error'] = "Can't find action";

/** Creates a client for one tenant and project. Throws InvalidArgumentError for bad options. */
export function createClient(options: ClientOptions): MindzieClient {
  return createClientWith(options, undefined);
}

/**
 * `createClient`, with the transport its JSON calls use when it is given no `fetch` (the package's
 * Node build passes `node:http`'s, see node/json-transport.ts). `downloadPackage` always uses
 * fetch: its body is a web stream.
 */
export function createClientWith(options: ClientOptions, nodeTransport: Transport | undefined): MindzieClient {
  const settings = resolveOptions(options, VERSION);
  const jsonTransport = options.fetch === undefined && nodeTransport ? nodeTransport : settings.fetch;

  /**
   * One task method: checks every argument, then sends with retries where safe. The task methods
   * call fetch directly with a URL built from the contract's path template (checked against `paths`): going
   * through openapi-fetch costs two Headers merges and a Request copy per call (15–20 % of a
   * loopback round trip, see BENCHMARKS.md).
   */
  const operation = <T, M extends 'GET' | 'POST'>(method: M, template: PathWith<Lowercase<M>>, idName: string, safeToRetry: boolean, read: Read<T>) => {
    // "/api/{tenantId}/…" → ["/api/", "tenantId", "/", …]: odd entries are parameter names.
    const parts = template.split(/\{(\w+)\}/);
    return async (id: string, options?: RequestOptions, body?: BlockExecuteRequest, transport: Transport = jsonTransport): Promise<T> => {
      checkRequestOptions(options);
      checkGuid(idName, id);
      const serialized = body === undefined ? undefined : serializeBlockRequest(body);
      const ids: Record<string, string> = { tenantId: options?.tenantId ?? settings.tenantId, projectId: options?.projectId ?? settings.projectId, [idName]: id };
      let path = settings.basePath;
      for (let i = 0; i < parts.length; i++) path += i % 2 ? ids[parts[i]!] : parts[i]; // GUIDs: nothing to encode
      const url = settings.origin + path;
      const sendOnce = (authorization: string, signal: AbortSignal) => {
        const headers: Record<string, string> = { ...settings.headers, ...options?.headers, Authorization: authorization };
        if (serialized !== undefined) headers['Content-Type'] = 'application/json';
        return transport(url, { method, headers, body: serialized, signal });
      };
      return send(settings, { ...options, request: { method, path }, safeToRetry, send: sendOnce }, (response, attempt) => read(response, attempt, id));
    };
  };

  const lastExecution = operation('GET', '/api/{tenantId}/{projectId}/actionexecution/lastaction/{actionId}', 'actionId', true, readJson<ActionExecution>);
  const executeBlock = operation('POST', '/api/{tenantId}/{projectId}/block/{blockId}/execute', 'blockId', false, readJson<BlockExecution>);
  const downloadHead = operation('GET', '/api/{tenantId}/{projectId}/actionexecution/downloadpackage/{executionId}', 'executionId', true, packageHead);

  const client: MindzieClient = {
    executeAction: operation('GET', '/api/{tenantId}/{projectId}/action/execute/{actionId}', 'actionId', false, readJson<ActionExecution>),
    listActionExecutions: operation('GET', '/api/{tenantId}/{projectId}/actionexecution/action/{actionId}', 'actionId', true, readItems),
    getLastActionExecution: (actionId, options) =>
      lastExecution(actionId, options).catch((error: unknown) => {
        if (error instanceof NotFoundError && error.reason === NO_EXECUTION_YET) return null;
        throw error;
      }),
    getActionExecution: operation('GET', '/api/{tenantId}/{projectId}/actionexecution/{executionId}', 'executionId', true, readJson<ActionExecution>),
    downloadPackage: async (executionId, options) => {
      const { response, attempt, filename, size } = await downloadHead(executionId, options, undefined, settings.fetch);
      return { stream: guardedBody(response as Response, size, attempt), filename, size };
    },
    executeBlock: (blockId, body, options) => executeBlock(blockId, options, body),
    getBlockResults: operation('GET', '/api/{tenantId}/{projectId}/block/{blockId}/results', 'blockId', true, readJson<BlockResults>),
  };
  clientInternals.set(client, {
    customFetch: options.fetch !== undefined,
    // The response is the transport's own object, handed through untouched: it is still an R.
    downloadHead: <R extends HttpResponse>(executionId: string, options: RequestOptions | undefined, transport: Transport<R>) =>
      downloadHead(executionId, options, undefined, transport) as Promise<PackageHead<R>>,
  });
  return client;
}

/** Reads a success body as JSON; a body that is not JSON is an ApiError, not a crash. */
async function readJson<T>(response: HttpResponse, attempt: Attempt): Promise<T> {
  const text = await response.text();
  try {
    return JSON.parse(text) as T;
  } catch {
    throw unexpected(response, attempt, (attempt.redact(text) as string).slice(0, 2000)); // masked before the cut: a cut token would escape the mask
  }
}

async function readItems(response: HttpResponse, attempt: Attempt): Promise<ActionExecution[]> {
  const list = await readJson<components['schemas']['ActionExecutionList']>(response, attempt);
  if (!Array.isArray(list?.items)) throw unexpected(response, attempt, list);
  return list.items;
}

function unexpected(response: HttpResponse, attempt: Attempt, body: unknown): ApiError {
  return new ApiError(`Unexpected body from ${attempt.describe()} (${response.status})`, {
    status: response.status,
    body: attempt.redact(body),
    request: attempt.request,
  });
}

/** Once the headers arrived: the file name and size, and the attempt handed to the body's reader (its timer off until the first read). */
function packageHead(response: HttpResponse, attempt: Attempt, executionId: string): PackageHead {
  attempt.kept = true;
  attempt.disarm();
  const { headers } = response;
  const length = headers.get('Content-Length');
  // With a content encoding, Content-Length counts the encoded bytes, not the ones the body yields.
  const size = length && /^\d+$/.test(length) && /^(identity)?$/i.test(headers.get('Content-Encoding') ?? '') ? +length : undefined;
  return { response, attempt, filename: filenameFromContentDisposition(headers.get('Content-Disposition'), `${executionId}.zip`), size };
}

/** The body of execute-block, checked and serialised before anything is sent. */
function serializeBlockRequest(body: BlockExecuteRequest): string {
  check(isObject(body), 'body', 'an object like { parameters: { … } }');
  check(body.parameters === undefined || isObject(body.parameters), 'parameters', 'an object of names to values');
  try {
    return JSON.stringify(body);
  } catch {
    return check(false, 'body', 'serialisable as JSON') as never;
  }
}
