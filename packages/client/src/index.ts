// @mindzie/client: the whole public surface. Node-only helpers live in '@mindzie/client/node',
// the raw typed openapi-fetch client in '@mindzie/client/raw', tracing in '@mindzie/client/otel'.
export { createClient } from './client.js';
export type { MindzieClient, PackageDownload } from './client.js';
export type { ClientOptions, RequestOptions } from './options.js';
export type { Middleware } from 'openapi-fetch';
export {
  MindzieError,
  InvalidArgumentError,
  ApiError,
  UnauthorizedError,
  NotFoundError,
  RateLimitError,
  ServerError,
  NetworkError,
  TimeoutError,
} from './errors.js';
export type { NotFoundReason, RequestDescription } from './errors.js';
export type {
  ActionExecution,
  ActionExecutionStatus,
  BlockExecution,
  BlockExecutionStatus,
  BlockResults,
  BlockExecuteRequest,
} from './types.js';
export {
  actionExecutionStatusValues,
  blockExecutionStatusValues,
  actionErrorErrorValues,
  executionErrorErrorValues,
  blockErrorErrorValues,
} from './generated/openapi.js';
export type { paths, components, operations } from './generated/openapi.js';
