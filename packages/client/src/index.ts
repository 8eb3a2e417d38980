// @mindzie/client: the whole public surface (errors.ts and types.ts are public whole; index.test.ts pins
// the list). Node-only helpers live in '@mindzie/client/node', the raw typed openapi-fetch client in
// '@mindzie/client/raw', tracing in '@mindzie/client/otel'.

export type { Middleware } from 'openapi-fetch';
export type { MindzieClient, PackageDownload } from './client.js';
export { createClient } from './client.js';
export * from './errors.js';
export type { components, operations, paths } from './generated/openapi.js';
export {
  actionErrorErrorValues,
  actionExecutionStatusValues,
  blockErrorErrorValues,
  blockExecutionStatusValues,
  executionErrorErrorValues,
} from './generated/openapi.js';
export type { AttemptInfo, AttemptParams } from './middleware/per-attempt.js';
export type { ClientOptions, RequestOptions } from './options.js';
export { parseServerTime } from './server-time.js';
export type { ConnectionSettings, Environment, FromEnvOptions } from './settings.js';
export { connectionSettings, resolveConnectionSettings } from './settings.js';
export type * from './types.js';
