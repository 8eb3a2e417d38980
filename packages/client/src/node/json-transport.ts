import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import type { Transport } from '../client.js';
import type { HttpResponse } from '../internal/send.js';

/** As many as fetch follows. */
const MAX_REDIRECTS = 20;
const DECODE = new Map<string, (body: Buffer) => Buffer>([
  ['gzip', gunzipSync],
  ['x-gzip', gunzipSync],
  ['deflate', inflateSync],
  ['br', brotliDecompressSync],
]);

/**
 * How the client sends its JSON calls in Node when it was given no `fetch`: `node:http(s)` on
 * Node's keep-alive global agents. It does what fetch does for these calls (follows redirects,
 * dropping credentials when one leads to another origin; decodes a compressed body) at a fraction
 * of the memory: every fetch response is registered with undici's FinalizationRegistry, which
 * keeps about 18 KB per call alive through V8's young-generation collections, against under
 * 1 KB here, and that decides the peak of a process polling thousands of executions
 * (packages/poller/BENCHMARKS.md).
 */
export const jsonTransport: Transport = async (url, { method, headers, body, signal }) => {
  for (let redirects = 0; ; redirects++) {
    const message = await sendOnce(url, { method, headers, signal }, body);
    const { location } = message.headers;
    const status = message.statusCode ?? 0;
    if (location === undefined || ![301, 302, 303, 307, 308].includes(status)) return toResponse(message);
    message.resume(); // nobody reads a redirect's body; this frees the connection
    if (redirects == MAX_REDIRECTS) throw new Error(`more than ${MAX_REDIRECTS} redirects`);
    const next = new URL(location, url);
    if (next.origin != new URL(url).origin) {
      headers = Object.fromEntries(Object.entries(headers).filter(([name]) => !/^(authorization|cookie|proxy-authorization)$/i.test(name)));
    }
    // As fetch: 303, and 301/302 after a POST, turn into a GET without a body.
    if (status === 303 || (method === 'POST' && status <= 302)) {
      method = 'GET';
      body = undefined;
      headers = Object.fromEntries(Object.entries(headers).filter(([name]) => !/^content-type$/i.test(name)));
    }
    url = next.href;
  }
};

function sendOnce(url: string, options: { method: string; headers: Record<string, string>; signal: AbortSignal }, body: string | undefined): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const request = (url.startsWith('https:') ? httpsRequest : httpRequest)(url, options, resolve);
    request.on('error', reject); // stays attached: an error after the response must not go unhandled
    request.end(body);
  });
}

function toResponse(message: IncomingMessage): HttpResponse {
  const status = message.statusCode ?? 0;
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
    text: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of message) chunks.push(chunk as Buffer);
      const raw = Buffer.concat(chunks);
      const decode = DECODE.get(String(message.headers['content-encoding']).trim().toLowerCase());
      return new TextDecoder().decode(decode ? decode(raw) : raw); // UTF-8 without a BOM, as fetch's text()
    },
  };
}
