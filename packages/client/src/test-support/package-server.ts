// Servers that stream a package the way a real one does, and the ways a real one fails.
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createServer, type Socket } from 'node:net';
import { startServer, type TestServer } from './http-server.js';

export type Fault = 'none' | 'destroy-midway' | 'short-body' | 'stall-midway';

export interface PackageServerOptions {
  body: Buffer;
  disposition?: string | undefined;
  fault?: Fault;
  /** Delay between chunks, for a slow but healthy stream. */
  chunkDelayMs?: number;
  chunkSize?: number;
}

/** A node:http server answering every request with `body` (as application/zip), or failing as told. */
export function startPackageServer(options: PackageServerOptions): Promise<TestServer> {
  const { body, fault = 'none', chunkDelayMs = 0, chunkSize = 64 * 1024 } = options;
  return startServer(async (_req, res) => {
    const headers: Record<string, string | number> = {
      'Content-Type': 'application/zip',
      'Content-Length': body.length,
    };
    if (options.disposition !== undefined) {
      headers['Content-Disposition'] = options.disposition;
    }
    res.writeHead(200, headers);
    const half = Math.floor(body.length / 2);
    for (let at = 0; at < body.length; at += chunkSize) {
      if (at >= half && fault === 'destroy-midway') {
        return void res.socket?.destroy();
      }
      if (at >= half && fault === 'stall-midway') {
        return; // headers and half the bytes, then silence
      }
      if (at >= half && fault === 'short-body') {
        return void res.socket?.end(); // a clean close, bytes missing
      }
      if (!res.write(body.subarray(at, at + chunkSize))) {
        await new Promise((resolve) => res.once('drain', resolve));
      }
      if (chunkDelayMs) {
        await new Promise((resolve) => setTimeout(resolve, chunkDelayMs));
      }
    }
    res.end();
  });
}

/** A raw TCP server, for answers node:http refuses to produce (a body longer than announced). */
export async function startRawServer(
  onRequest: (socket: Socket) => void,
): Promise<{ url: string; connections: () => number; close(): Promise<void> }> {
  let connections = 0;
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.once('data', () => onRequest(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) {
          socket.destroy();
        }
        server.close(() => resolve());
      }),
  };
}

export const randomPackage = (bytes: number): Buffer => randomBytes(bytes);
