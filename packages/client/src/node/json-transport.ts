import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { pipeline, type Readable } from 'node:stream';
import type { Transport } from '../client.js';
import type { HttpResponse } from '../internal/send.js';
import { contentDecoder, followRedirects, type OutgoingRequest } from './fetch-rules.js';

/**
 * How the client sends its JSON calls in Node when it was given no `fetch`: `node:http(s)` on
 * Node's keep-alive global agents. It does what fetch does for these calls (fetch-rules.ts:
 * redirects, compressed bodies) at a fraction of the memory: every fetch response is
 * registered with undici's FinalizationRegistry, which
 * keeps about 18 KB per call alive through V8's young-generation collections, against under
 * 1 KB here, and that decides the peak of a process polling thousands of executions
 * (packages/poller/BENCHMARKS.md).
 */
export const jsonTransport: Transport = (url, { method, headers, body, signal }) =>
  followRedirects(
    url,
    { method, headers, body },
    (to, request) => sendOnce(to, { ...request, signal }),
    (message) => ({ status: message.statusCode ?? 0, location: message.headers.location }),
    (message) => message.resume(), // nobody reads a redirect's body; this frees the connection
  ).then((message) => toResponse(message, signal));

function sendOnce(url: string, { method, headers, body, signal }: OutgoingRequest & { signal: AbortSignal }): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const request = (url.startsWith('https:') ? httpsRequest : httpRequest)(url, { method, headers, signal }, resolve);
    request.on('error', reject); // stays attached: an error after the response must not go unhandled
    request.end(body);
  });
}

function toResponse(message: IncomingMessage, signal: AbortSignal): HttpResponse {
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
      let decoder;
      try {
        decoder = contentDecoder(message.headers['content-encoding']);
      } catch (error) {
        message.destroy(); // frees the connection nobody will read
        throw error;
      }
      // pipeline() forwards a failure of either side to the other, and returns the decoder.
      const body: Readable = decoder ? pipeline(message, decoder, () => {}) : message;
      // The attempt's abort (its timer, the caller) reaches the body even once the response has
      // arrived whole and only decoding is left.
      const onAbort = () => body.destroy(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      try {
        const chunks: Buffer[] = [];
        for await (const chunk of body) chunks.push(chunk as Buffer);
        return new TextDecoder().decode(Buffer.concat(chunks)); // UTF-8 without a BOM, as fetch's text()
      } finally {
        signal.removeEventListener('abort', onAbort);
      }
    },
  };
}
