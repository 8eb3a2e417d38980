// What fetch does with a response that the client's Node transports (json-transport.ts for JSON
// calls, http-transport.ts for downloads) must do the same way.
import { Transform, type TransformCallback } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate, createInflateRaw } from 'node:zlib';
import type { Transport } from '../client.js';

/** A request as the client hands it to a transport (its signal aside). */
export type OutgoingRequest = Omit<Parameters<Transport>[1], 'signal'>;

/** As many as fetch follows. */
const MAX_REDIRECTS = 20;
/** More codings than this on one response are refused, as fetch does (a decompression bomb). */
const MAX_CODINGS = 5;
/** `deflate` as servers send it: zlib-wrapped (RFC 1950) or raw (RFC 1951); a zlib header's low four bits are 8. */
const inflateEither = () => new Relay((first) => [(first[0]! & 0x0f) == 0x08 ? createInflate() : createInflateRaw()]);
const DECODERS = new Map<string, () => Transform>([
  ['gzip', createGunzip],
  ['x-gzip', createGunzip],
  ['deflate', inflateEither],
  ['br', createBrotliDecompress],
]);

/**
 * The decoder of a `Content-Encoding` as fetch decodes it: every coding of the list undone, the
 * last applied first (`br, gzip` is gunzipped, then un-brotlied). Undefined when there is none,
 * or when one of them is a coding fetch does not know: fetch then hands the bytes over as they are.
 */
export function contentDecoder(encoding: string | undefined): Transform | undefined {
  const codings = String(encoding ?? '').toLowerCase().split(',').map((coding) => coding.trim()).filter((coding) => coding && coding != 'identity');
  if (codings.length > MAX_CODINGS) throw new Error(`too many content codings (${codings.length})`);
  if (codings.length == 0 || !codings.every((coding) => DECODERS.has(coding))) return undefined;
  const decoders = codings.reverse().map((coding) => DECODERS.get(coding)!);
  return decoders.length == 1 ? decoders[0]!() : new Relay(() => decoders.map((make) => make()));
}

/**
 * A Transform whose work is done by a row of inner ones, chosen when the first bytes arrive:
 * writes go to the first, what the last produces is read from this one, back-pressure included.
 */
class Relay extends Transform {
  #stages: Transform[] = [];

  constructor(private readonly choose: (first: Buffer) => Transform[]) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    if (chunk.length == 0) return done();
    if (this.#stages.length == 0) this.#start(this.choose(chunk));
    if (this.#stages[0]!.write(chunk)) done();
    else this.#stages[0]!.once('drain', done);
  }

  override _flush(done: TransformCallback): void {
    const last = this.#stages.at(-1);
    // A decoder ends by itself when bytes follow its data (zlib ignores them, as fetch does): it may be over already.
    if (!last || last.readableEnded) return done();
    last.once('end', () => done());
    this.#stages[0]!.end();
  }

  override _read(size: number): void {
    this.#stages.at(-1)?.resume();
    super._read(size);
  }

  override _destroy(error: Error | null, done: (error: Error | null) => void): void {
    for (const stage of this.#stages) stage.destroy();
    done(error);
  }

  #start(stages: Transform[]): void {
    this.#stages = stages;
    stages.reduce((from, to) => from.pipe(to));
    const last = stages.at(-1)!;
    last.on('data', (data: Buffer) => this.push(data) || last.pause());
    for (const stage of stages) stage.on('error', (error) => this.destroy(error));
  }
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
