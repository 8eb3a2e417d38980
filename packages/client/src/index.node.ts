// @mindzie/client as Node loads it (the package's "node" export condition): the same surface as
// index.ts, but a client given no `fetch` sends its JSON calls through node:http's keep-alive
// agents instead of fetch (node/json-transport.ts says why). Browsers and bundles for them get index.ts.
import { createClientWith, type MindzieClient } from './client.js';
import { jsonTransport } from './node/json-transport.js';
import type { ClientOptions } from './options.js';

export * from './index.js';

/** Creates a client for one tenant and project. Throws InvalidArgumentError for bad options. */
export function createClient(options: ClientOptions): MindzieClient {
  return createClientWith(options, jsonTransport);
}
