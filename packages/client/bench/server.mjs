// The loopback server both benchmarks use, in its own process so it does not share the
// client's event loop: a small JSON execution and a package of PACKAGE_MIB random MiB (the same
// random MiB repeated, so a range can start anywhere).
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';

const packageMiB = Number(process.env.PACKAGE_MIB ?? 1024);
/** A delay before each answer, as a real link would add (the per-call benchmark at 1 ms). */
const latencyMs = Number(process.env.LATENCY_MS ?? 0);
/** CUT=1: the first package answer is cut at half its bytes (the connection destroyed), as a dropping proxy would. */
const cut = process.env.CUT === '1';
/** RANGES=1: packages carry Accept-Ranges and an ETag, and `Range: bytes=N-` with a matching If-Range gets a 206. */
const ranges = process.env.RANGES === '1';
const block = randomBytes(1 << 20);
let packageAnswers = 0;
/** Package body bytes handed to the kernel (an upper bound of what clients read), for GET /stats. */
let bodyBytesSent = 0;
const execution = JSON.stringify({
  actionId: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
  actionExecutionId: '11111111-2222-3333-4444-555555555555',
  dateStarted: '2024-01-15T10:30:00Z',
  dateEnded: '2024-01-15T10:32:15Z',
  status: 'Completed',
  notes: null,
});

const server = createServer(async (req, res) => {
  if (latencyMs) {
    await new Promise((resolve) => setTimeout(resolve, latencyMs));
  }
  if (req.url === '/stats') {
    return res.end(JSON.stringify({ bodyBytesSent, packageAnswers }));
  }
  if (req.url.includes('/downloadpackage/')) {
    const size = packageMiB * block.length;
    const range = ranges && req.headers['if-range'] === '"v1"' && /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const from = range ? Number(range[1]) : 0;
    res.writeHead(range ? 206 : 200, {
      'Content-Type': 'application/zip',
      'Content-Length': size - from,
      'Content-Disposition': 'attachment; filename="11111111-2222-3333-4444-555555555555.zip"',
      ...(ranges ? { 'Accept-Ranges': 'bytes', ETag: '"v1"' } : {}),
      ...(range ? { 'Content-Range': `bytes ${from}-${size - 1}/${size}` } : {}),
    });
    const first = packageAnswers++ === 0;
    const stopAt = cut && first ? size / 2 : size;
    // Whole blocks from `from` on (the first one partial when a range starts inside it).
    for (let at = from; at < stopAt; ) {
      const chunk = block.subarray(at % block.length, Math.min(block.length, (at % block.length) + (stopAt - at)));
      at += chunk.length;
      bodyBytesSent += chunk.length;
      if (!res.write(chunk)) {
        await new Promise((resolve) => res.once('drain', resolve));
      }
    }
    return stopAt < size ? res.socket.destroy() : res.end();
  }
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(execution) });
  res.end(execution);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port }));
process.on('disconnect', () => process.exit(0));
