import { globalAgent } from 'node:https';
import { connect as connectTcp, isIP, type OnReadOpts, type Socket } from 'node:net';
import type { Transform } from 'node:stream';
import { connect as connectTls, type ConnectionOptions } from 'node:tls';
import type { Transport } from '../client.js';
import type { HttpResponse } from '../internal/send.js';
import { isHeaderName, isHeaderValue } from '../internal/checks.js';
import { BatchQueue, type BatchRead } from './batch-queue.js';
import { contentDecoder, followRedirects } from './fetch-rules.js';
import { framingOf, HeadReader, ProtocolError, type Framing, type ResponseHead } from './http1-response.js';

/** A download body in reused batches: `release` each batch once it is written. */
export interface NodeBody {
  read(): Promise<BatchRead>;
  release(batch: Buffer): void;
  /** Closes the connection; a pending or later read rejects. */
  destroy(): void;
}

/** A response of the client's Node transport, with the parts of fetch's the client reads. */
export interface NodeResponse extends HttpResponse {
  body: NodeBody;
}

/** One read buffer per connection, reused for every socket read (what libuv would allocate anew each time). */
const READ_BYTES = 64 * 1024;
/** The TLS settings of `https.globalAgent` that apply to a connection (a custom CA, client certificates, …). */
const TLS_SETTINGS = ['ca', 'cert', 'key', 'pfx', 'passphrase', 'rejectUnauthorized', 'ciphers', 'minVersion', 'maxVersion', 'crl', 'checkServerIdentity'] as const;

/**
 * Sends one attempt of a download as an HTTP/1.1 GET on its own connection (`net` or `tls`) and
 * reads the response with one reused buffer (`onread`), copying the body into the few buffers of a
 * BatchQueue. Node's HTTP client and fetch allocate a new buffer per 64 KiB read instead, and on a
 * 1 GiB download that garbage, not the network, is what costs most of the time (BENCHMARKS.md).
 * It does what fetch would for a GET: follows redirects and decodes gzip, deflate and br bodies
 * (fetch-rules.ts), verifies certificates (honouring
 * `https.globalAgent`'s TLS settings). Everything else (URL, headers, timeouts, retries, errors) is
 * the client's own code, which calls this as it would call fetch.
 */
export const nodeTransport: Transport<NodeResponse> = (url, { method, headers, body, signal }) =>
  followRedirects(
    url,
    { method, headers, body },
    (to, request) => exchange(new URL(to), { ...request, signal }),
    (response) => ({ status: response.status, location: response.headers.get('location') }),
    (response) => response.body.destroy(),
  );

type Init = Parameters<typeof nodeTransport>[1];

/** One request on a fresh connection; resolves with the response once its head arrived. */
function exchange(url: URL, { method, headers, body, signal }: Init): Promise<NodeResponse> {
  const request = serializeRequest(url, method, headers, body);
  signal.throwIfAborted();
  return new Promise((resolve, reject) => {
    const head = new HeadReader();
    let framing: Framing | undefined;
    let decoder: Transform | undefined;
    let decoderFull = false;
    let finished = false;
    // Pause the socket (and decoder) while every batch buffer is taken; go on when one comes back.
    const flow = () => {
      const room = queue.hasRoom();
      if (decoder) room ? decoder.resume() : decoder.pause();
      room && !decoderFull ? socket.resume() : socket.pause();
    };
    const queue = new BatchQueue(flow);
    // The abort listener stays until the body is all in the queue, not just until the socket
    // closes: a decoder may still be working then, and an abort must still reach it.
    const stopListening = () => signal.removeEventListener('abort', onAbort);
    const endQueue = () => {
      queue.end();
      stopListening();
    };
    const fail = (error: unknown) => {
      stopListening();
      finished = true;
      reject(error);
      queue.fail(error);
      decoder?.destroy();
      socket.destroy();
    };
    const finish = () => {
      finished = true;
      if (decoder) decoder.end();
      else endQueue();
      socket.destroy(); // the body is complete; the request asked the server to close anyway
    };
    const emit = (bytes: Buffer, start: number, end: number) => {
      if (!decoder) {
        if (!queue.push(bytes, start, end)) flow();
      } else if (!decoder.write(Buffer.from(bytes.subarray(start, end)))) {
        decoderFull = true; // the read buffer is reused: the decoder gets a copy
        flow();
      }
    };
    const onRead = (count: number, buffer: Buffer): boolean => {
      if (finished) return false;
      try {
        let offset = 0;
        while (!framing) {
          const bodyStart = head.push(buffer.subarray(offset, count));
          if (bodyStart < 0) return true;
          offset += bodyStart;
          const parsed = head.parse();
          if (parsed.status < 200) continue; // an interim response (103 Early Hints): the real one follows
          framing = framingOf(parsed);
          decoder = decoderFor(parsed, queue, endQueue, fail, () => ((decoderFull = false), flow()));
          resolve(toResponse(parsed, queue, () => fail(new Error('the download was closed'))));
        }
        if (framing.feed(buffer.subarray(0, count), offset, emit)) finish();
      } catch (error) {
        fail(error);
      }
      return true; // pausing is flow()'s job
    };
    const socket = connect(url, { buffer: Buffer.allocUnsafe(READ_BYTES), callback: onRead });
    const onAbort = () => fail(signal.reason);
    signal.addEventListener('abort', onAbort);
    socket.on('error', fail);
    // Without a consumer of its readable side the socket would never report its end.
    socket.resume();
    socket.on('end', () => {
      if (finished) return;
      try {
        if (!framing) throw new ProtocolError('connection closed before a complete response head');
        framing.closed();
        finish();
      } catch (error) {
        fail(error);
      }
    });
    socket.on('close', () => {
      if (!finished) fail(new ProtocolError('connection closed before the end of the response'));
    });
    socket.write(request, 'latin1');
  });
}

function connect(url: URL, onread: OnReadOpts): Socket {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1'); // [::1] → ::1
  if (url.protocol === 'http:') return connectTcp({ host, port: Number(url.port || 80), onread });
  if (url.protocol !== 'https:') throw new TypeError(`unsupported protocol ${url.protocol}`);
  const agent = globalAgent.options as Record<string, unknown>;
  const tls = Object.fromEntries(TLS_SETTINGS.filter((name) => agent[name] !== undefined).map((name) => [name, agent[name]])) as ConnectionOptions;
  // tls.connect sends no SNI unless told (https.Agent does this for node:https): without it, a server
  // behind a shared front door answers with the wrong certificate. It takes `onread` as
  // net.connect does (Node ≥ 13); its types lack it.
  const servername = isIP(host) ? undefined : host;
  return connectTls({ ...tls, host, servername, port: Number(url.port || 443), onread } as ConnectionOptions);
}

/** The request head (and body), refusing what would break the framing: a header line never carries CR or LF. */
function serializeRequest(url: URL, method: string, headers: Record<string, string>, body: string | undefined): string {
  let text = `${method} ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\n`;
  for (const [name, value] of Object.entries(headers)) {
    if (/^(host|connection|content-length|transfer-encoding)$/i.test(name)) continue;
    // Names only in the message: a value may be the token.
    if (!isHeaderName(name) || !isHeaderValue(value)) throw new TypeError(`invalid value for header ${JSON.stringify(name)}`);
    text += `${name}: ${value}\r\n`;
  }
  const encoded = body === undefined ? '' : Buffer.from(body, 'utf8').toString('latin1');
  if (body !== undefined) text += `Content-Length: ${encoded.length}\r\n`;
  return `${text}Connection: close\r\n\r\n${encoded}`;
}

/** The decoder of a compressed body, feeding the queue; undefined for none. */
function decoderFor(head: ResponseHead, queue: BatchQueue, endQueue: () => void, fail: (error: unknown) => void, onDrain: () => void): Transform | undefined {
  const decoder = contentDecoder(head.headers.get('content-encoding')?.join(','));
  if (!decoder) return undefined;
  decoder.on('data', (chunk: Buffer) => queue.push(chunk) || decoder.pause());
  decoder.on('drain', onDrain);
  decoder.on('end', endQueue);
  decoder.on('error', fail);
  return decoder;
}

function toResponse(head: ResponseHead, queue: BatchQueue, destroy: () => void): NodeResponse {
  const { status, statusText, headers } = head;
  const body: NodeBody = { read: () => queue.read(), release: (batch) => queue.release(batch), destroy };
  return {
    ok: status >= 200 && status < 300,
    status,
    statusText,
    headers: { get: (name) => headers.get(name.toLowerCase())?.join(', ') ?? null },
    body,
    text: async () => {
      const parts: Buffer[] = [];
      for (let read = await body.read(); !read.done; read = await body.read()) {
        parts.push(Buffer.from(read.value));
        body.release(read.value);
      }
      return new TextDecoder().decode(Buffer.concat(parts)); // UTF-8 without a BOM, as fetch's text()
    },
  };
}
