// The `truncate` fault: the client gets the headers (with the full Content-Length) and the
// first bytes of the body, then the connection closes, as when a download breaks midway.
import { Readable, Transform } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';

export function cutAfter(request: FastifyRequest, reply: FastifyReply, payload: unknown, limit: number): Readable {
  let source: Readable;
  if (payload instanceof Readable) source = payload;
  else {
    const body = toBuffer(payload);
    reply.header('content-length', body.length);
    source = Readable.from([body]);
  }
  const socket = request.raw.socket;
  let sent = 0;
  const close = () => {
    source.unpipe(cutter);
    source.destroy();
    reply.raw.flushHeaders();
    // After the bytes already pushed reach the socket; end() flushes them, then closes.
    setImmediate(() => socket.end());
  };
  const cutter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      const room = limit - sent;
      if (room <= 0) return callback();
      const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
      sent += part.length;
      callback(null, part);
      if (sent >= limit) close();
    },
  });
  if (limit === 0) setImmediate(close);
  return source.pipe(cutter);
}

function toBuffer(payload: unknown): Buffer {
  if (Buffer.isBuffer(payload)) return payload;
  return Buffer.from(payload === undefined || payload === null ? '' : String(payload));
}
