// The loopback server both benchmarks use, in its own process so it does not share the
// client's event loop: a small JSON execution and a package of PACKAGE_MIB random MiB.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';

const packageMiB = Number(process.env.PACKAGE_MIB ?? 1024);
/** A delay before each answer, as a real link would add (the per-call benchmark at 1 ms). */
const latencyMs = Number(process.env.LATENCY_MS ?? 0);
const block = randomBytes(1 << 20);
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
  if (req.url.includes('/downloadpackage/')) {
    res.writeHead(200, {
      'Content-Type': 'application/zip',
      'Content-Length': packageMiB * block.length,
      'Content-Disposition': 'attachment; filename="11111111-2222-3333-4444-555555555555.zip"',
    });
    for (let i = 0; i < packageMiB; i++) {
      if (!res.write(block)) {
        await new Promise((resolve) => res.once('drain', resolve));
      }
    }
    return res.end();
  }
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(execution) });
  res.end(execution);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port }));
process.on('disconnect', () => process.exit(0));
