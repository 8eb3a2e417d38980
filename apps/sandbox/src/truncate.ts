// The `truncate` fault: the client gets the headers (with the full Content-Length, or the cut
// one) and the first bytes of the body, then the connection closes, as when a download breaks
// midway or a proxy passes on a cut answer as a whole one.
import { Readable, Transform } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';

export function cutAfter(
  request: FastifyRequest,
  reply: FastifyReply,
  payload: unknown,
  limit: number,
  length: 'full' | 'cut' = 'full',
): Readable {
  let source: Readable;
  if (payload instanceof Readable) {
    source = payload;
  } else {
    const body = toBuffer(payload);
    reply.header('content-length', body.length);
    source = Readable.from([body]);
  }
  // `cut`: a complete answer of the first bytes, as a proxy that passed on a cut body as whole.
  if (length === 'cut') {
    reply.header('content-length', Math.min(limit, Number(reply.getHeader('content-length') ?? limit)));
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
      if (room <= 0) {
        return callback();
      }
      const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
      sent += part.length;
      callback(null, part);
      if (sent >= limit) {
        close();
      }
    },
  });
  if (limit === 0) {
    setImmediate(close);
  }
  return source.pipe(cutter);
}

function toBuffer(payload: unknown): Buffer {
  if (Buffer.isBuffer(payload)) {
    return payload;
  }
  return Buffer.from(payload === undefined || payload === null ? '' : String(payload));
}
