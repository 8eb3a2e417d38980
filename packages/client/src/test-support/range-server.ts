// A package server that serves byte ranges (`Range: bytes=N-`, honoured only while `If-Range` still
// matches its ETag) and cuts the first `cuts` answers at half their bytes.
import { type Handler, startServer, type TestServer } from './http-server.js';

export interface RangeServerOptions {
  /** The package served; `next` (if given) replaces it after the first answer (a new package, a new ETag). */
  body: Buffer;
  next?: Buffer;
  /** Offer ranges (`Accept-Ranges: bytes` and an ETag); off: whole answers only, no validator. */
  ranges: boolean;
  /** How many answers are cut (the connection destroyed after half their bytes). */
  cuts: number;
  /** Answer a ranged request with this Content-Range instead of the true one (a server that lies). */
  wrongRange?: string;
}

export async function startRangeServer(options: RangeServerOptions): Promise<TestServer> {
  let answers = 0;
  const handler: Handler = async (request, response) => {
    const body = answers > 0 && options.next ? options.next : options.body;
    const etag = `"${body === options.body ? 'first' : 'second'}"`;
    const cut = answers++ < options.cuts;
    const range = /^bytes=(\d+)-$/.exec(String(request.headers.range ?? ''));
    const ranged = options.ranges && range && request.headers['if-range'] === etag;
    const from = ranged ? Number(range[1]) : 0;
    const headers: Record<string, string | number> = {
      'Content-Type': 'application/zip',
      'Content-Length': body.length - from,
      ...(options.ranges ? { 'Accept-Ranges': 'bytes', ETag: etag } : {}),
    };
    if (ranged) {
      headers['Content-Range'] = options.wrongRange ?? `bytes ${from}-${body.length - 1}/${body.length}`;
    }
    response.writeHead(ranged ? 206 : 200, headers);
    const part = body.subarray(from, cut ? from + Math.floor((body.length - from) / 2) : body.length);
    if (!cut) {
      return void response.end(part);
    }
    // Half the bytes on the wire, then the connection is gone (as a proxy that drops it would).
    response.write(part, () => response.socket?.destroy());
  };
  return startServer(handler);
}
