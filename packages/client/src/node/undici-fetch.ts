// A download's attempts on Node go out through undici's `request` (llhttp parses every answer) on
// the process's global dispatcher (`setGlobalDispatcher`: a proxy agent, a custom Agent), handed to
// openapi-fetch as its `fetch`: token, middleware, retries and error mapping stay the client's. The
// body stays a Node stream (`attempt.nodeBody`), so the bytes never pass through web streams.
import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
// A namespace import: Bun's built-in `undici` lacks some of these names, and must not fail to load.
import * as undici from 'undici';
import type { Attempt } from '../attempt.js';
import type { Transport } from '../client.js';

/** As many hops as fetch follows. */
const MAX_REDIRECTIONS = 20;

/**
 * The undici transport on the user's global dispatcher, following redirects undici's way (credentials
 * dropped across origins); `undefined` where that cannot work: a runtime whose `undici` cannot compose
 * interceptors (Bun's built-in one), or a global dispatcher of another undici (or without `compose`). The
 * download then goes through the runtime's `fetch`, which honours the same dispatcher where it has one.
 */
export function undiciTransport(): Transport | undefined {
  const { getGlobalDispatcher, interceptors, request } = undici;
  const global = typeof getGlobalDispatcher === 'function' ? getGlobalDispatcher() : undefined;
  if (typeof request !== 'function' || typeof interceptors?.redirect !== 'function' || !global?.compose) {
    return undefined;
  }
  // A dispatcher of another undici (Node 20 and 22's fetch installs its bundled undici 6 Agent when it runs
  // first) cannot run this undici's handlers ("invalid onError method"): the runtime's fetch uses it as is.
  if (typeof undici.Dispatcher === 'function' && !(global instanceof undici.Dispatcher)) {
    return undefined;
  }
  // Composed per download, not kept: the user may set another global dispatcher at any time.
  const dispatcher = global.compose(interceptors.redirect({ maxRedirections: MAX_REDIRECTIONS }));
  return (req, attempt) => send(req, attempt, dispatcher);
}

/**
 * Sends `req` with undici and answers a fetch `Response` carrying the status and headers. An error
 * answer carries its body as a web stream for the error mapping (which reads up to a cap); a
 * success keeps undici's Node stream on the attempt for the reader that pipes it into the file.
 */
async function send(req: Request, attempt: Attempt, dispatcher: Dispatcher): Promise<Response> {
  const headers: Record<string, string> = Object.fromEntries(req.headers);
  // The bytes as stored: what Content-Length counts, nothing to decode.
  headers['accept-encoding'] = 'identity';
  const answer = await undici.request(req.url, {
    method: req.method as Dispatcher.HttpMethod,
    headers,
    signal: attempt.signal,
    dispatcher,
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
    return new Response(Readable.toWeb(answer.body) as ReadableStream<Uint8Array>, init);
  }
  attempt.nodeBody = answer.body;
  return new Response(null, init);
}
