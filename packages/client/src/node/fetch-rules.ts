// What fetch does with a response that the client's Node transports (json-transport.ts for JSON
// calls, http-transport.ts for downloads) must do the same way.
import type { Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Transport } from '../client.js';

/** A request as the client hands it to a transport (its signal aside). */
export type OutgoingRequest = Omit<Parameters<Transport>[1], 'signal'>;

/** As many as fetch follows. */
const MAX_REDIRECTS = 20;
const DECODERS = new Map<string, () => Transform>([
  ['gzip', createGunzip],
  ['x-gzip', createGunzip],
  ['deflate', createInflate],
  ['br', createBrotliDecompress],
]);

/** A decoder for a `Content-Encoding` fetch decodes; undefined for none (or one fetch leaves alone). */
export function contentDecoder(encoding: string | undefined): Transform | undefined {
  return DECODERS.get(String(encoding).trim().toLowerCase())?.();
}

/**
 * Sends `request` and follows redirects as fetch does: at most 20; `Authorization` and cookies
 * dropped when one leads to another origin; a 303, and a 301 or 302 after a POST, continue as a
 * GET without a body. `redirectOf` reads a response's status and `Location`; `discard` lets go
 * of a redirect nobody reads.
 */
export async function followRedirects<R>(
  url: string,
  request: OutgoingRequest,
  send: (url: string, request: OutgoingRequest) => Promise<R>,
  redirectOf: (response: R) => { status: number; location: string | null | undefined },
  discard: (response: R) => void,
): Promise<R> {
  for (let redirects = 0; ; redirects++) {
    const response = await send(url, request);
    const { status, location } = redirectOf(response);
    if (location == null || ![301, 302, 303, 307, 308].includes(status)) return response;
    discard(response);
    if (redirects == MAX_REDIRECTS) throw new Error(`more than ${MAX_REDIRECTS} redirects`);
    const next = new URL(location, url);
    let { method, headers, body } = request;
    if (next.origin != new URL(url).origin) headers = without(headers, /^(authorization|cookie|proxy-authorization)$/i);
    if (status === 303 || (method === 'POST' && status <= 302)) {
      method = 'GET';
      body = undefined;
      headers = without(headers, /^content-type$/i);
    }
    url = next.href;
    request = { method, headers, body };
  }
}

const without = (headers: Record<string, string>, names: RegExp) => Object.fromEntries(Object.entries(headers).filter(([name]) => !names.test(name)));
