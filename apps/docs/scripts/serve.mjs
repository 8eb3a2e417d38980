#!/usr/bin/env node
// Serves dist/ on localhost: `pnpm run docs:serve` at the root (or `pnpm run serve` here).
// PORT picks the port (default 8080; 0 for any free one).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startStaticServer } from '../src/static-server.mjs';

const root = fileURLToPath(new URL('../dist/', import.meta.url));
if (!existsSync(`${root}index.html`)) {
  console.error('dist/index.html is missing: build first (`pnpm turbo run build --filter=@mindzie/docs`).');
  process.exit(1);
}
const port = Number(process.env.PORT ?? 8080);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number, got ${JSON.stringify(process.env.PORT)}`);
  process.exit(1);
}
const server = await startStaticServer({ root, port });
console.log(`mindzie API docs: ${server.url} (Ctrl+C stops)`);
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.once(signal, () => void server.close().then(() => process.exit(0)));
}
