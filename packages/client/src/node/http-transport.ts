import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { pipeline, type Readable, type Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Transport } from '../client.js';
import type { HttpResponse } from '../internal/send.js';

/** A response of Node's own HTTP client with the parts of fetch's the client reads; `body` is a Node stream. */
export interface NodeResponse extends HttpResponse {
  body: Readable;
}

/** As many as fetch follows. */
const MAX_REDIRECTS = 20;
const DECODERS = new Map<string, () => Transform>([
  ['gzip', createGunzip],
  ['x-gzip', createGunzip],
  ['deflate', createInflate],
  ['br', createBrotliDecompress],
]);

/**
 * Sends one attempt with `node:http(s)` instead of fetch, so that a download's body is a Node
 * stream that pipes into a file with backpressure: no web streams, whose buffers and per-chunk
 * work are most of what a large download through fetch costs in memory and time. It does what
 * fetch would for a GET: follows redirects (dropping credentials when one leads to another
 * origin) and decodes gzip, deflate and br bodies. Everything else (URL, headers, timeouts,
 * retries, errors) is the client's own code, which calls this as it would call fetch.
 */
export const nodeTransport: Transport<NodeResponse> = async (url, { method, headers, body, signal }) => {
  for (let redirects = 0; ; redirects++) {
    const message = await sendOnce(url, { method, headers, signal }, body);
    const { location } = message.headers;
    if (method != 'GET' || location === undefined || ![301, 302, 303, 307, 308].includes(message.statusCode!)) return toResponse(message);
    message.resume(); // nobody reads a redirect's body; this frees the connection
    if (redirects == MAX_REDIRECTS) throw new Error(`more than ${MAX_REDIRECTS} redirects`);
    const next = new URL(location, url);
    if (next.origin != new URL(url).origin) {
      headers = Object.fromEntries(Object.entries(headers).filter(([name]) => !/^(authorization|cookie|proxy-authorization)$/i.test(name)));
    }
    url = next.href;
  }
};

function sendOnce(url: string, options: { method: string; headers: OutgoingHttpHeaders; signal: AbortSignal }, body: string | undefined): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const request = (url.startsWith('https:') ? httpsRequest : httpRequest)(url, options, resolve);
    request.on('error', reject); // stays attached: an error after the response must not go unhandled
    request.end(body);
  });
}

function toResponse(message: IncomingMessage): NodeResponse {
  const status = message.statusCode ?? 0;
  const decoder = DECODERS.get(String(message.headers['content-encoding']).trim().toLowerCase());
  // pipeline() forwards a failure of either side to the other, and returns the decoder.
  const body: Readable = decoder ? pipeline(message, decoder(), () => {}) : message;
  return {
    ok: status >= 200 && status < 300,
    status,
    statusText: message.statusMessage ?? '',
    headers: {
      get: (name) => {
        const value = message.headers[name.toLowerCase()];
        return value === undefined ? null : [value].flat().join(', ');
      },
    },
    body,
    text: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of body) chunks.push(chunk as Buffer);
      return new TextDecoder().decode(Buffer.concat(chunks)); // UTF-8 without a BOM, as fetch's text()
    },
  };
}
