// Serves a folder over HTTP the way a plain static host does (sirv: files as they are,
// index.html for a folder, 404 otherwise; no rewrite rules, no single-page fallback).
// `pnpm run serve` uses it for people, the browser tests for Chromium.
import { createServer } from 'node:http';
import sirv from 'sirv';

/**
 * Serves root on host:port (port 0 picks a free one). The file list is read once at start,
 * so nothing outside root (or added later) is ever served.
 * @param {{ root: string, port?: number, host?: string }} options
 * @returns {Promise<{ url: string, port: number, close: () => Promise<void> }>}
 */
export async function startStaticServer({ root, port = 0, host = '127.0.0.1' }) {
  const serve = sirv(root, {
    etag: true,
    setHeaders: (response) => {
      response.setHeader('Cache-Control', 'no-cache');
      response.setHeader('X-Content-Type-Options', 'nosniff');
    },
  });
  const server = createServer((request, response) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    serve(request, response, () => {
      response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found\n');
    });
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(undefined));
  });
  const address = server.address();
  if (!address || typeof address === 'string') {
    throw new Error('the server has no TCP address');
  }
  return {
    url: `http://${host}:${address.port}/`,
    port: address.port,
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
