// A download's attempts go out through undici's `request` (llhttp parses every answer), handed to
// openapi-fetch as its `fetch`: token, middleware, retries and error mapping stay the client's.
import type { Readable } from 'node:stream';
import { Agent, type Dispatcher, interceptors, request } from 'undici';
import type { Attempt } from '../attempt.js';

/** As many hops as fetch follows. */
const MAX_REDIRECTIONS = 20;

let agent: Dispatcher | undefined;
/** One keep-alive agent for all downloads, following redirects undici's way (credentials dropped across origins). */
const downloads = (): Dispatcher =>
  (agent ??= new Agent().compose(interceptors.redirect({ maxRedirections: MAX_REDIRECTIONS })));

/** The body of each download attempt that succeeded, for the reader that pipes it into the file. */
export const downloadBodies = new WeakMap<Attempt, Readable>();

/**
 * Sends `req` with undici and answers a fetch `Response` carrying the status and headers. An error
 * answer carries its (small) body for the error mapping; a success keeps undici's Node stream
 * aside (`downloadBodies`), so the bytes never pass through web streams.
 */
export async function undiciFetch(req: Request, attempt: Attempt): Promise<Response> {
  const headers: Record<string, string> = Object.fromEntries(req.headers);
  // The bytes as stored: what Content-Length counts, nothing to decode.
  headers['accept-encoding'] = 'identity';
  const answer = await request(req.url, {
    method: req.method as Dispatcher.HttpMethod,
    headers,
    signal: attempt.signal,
    dispatcher: downloads(),
    // The attempt's own timer covers the wait for the headers; undici's idle timer covers the body.
    headersTimeout: 0,
    bodyTimeout: attempt.timeoutMs,
  });
  const responseHeaders = new Headers();
  for (const [name, value] of Object.entries(answer.headers)) {
    for (const one of [value ?? []].flat()) {
      responseHeaders.append(name, one);
    }
  }
  const init = { status: answer.statusCode, headers: responseHeaders };
  if (answer.statusCode < 200 || answer.statusCode > 299) {
    return new Response((await answer.body.text()) || null, init);
  }
  downloadBodies.set(attempt, answer.body);
  return new Response(null, init);
}
