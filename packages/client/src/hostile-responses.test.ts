// Answers that Node's own HTTP parser (llhttp, used by fetch and undici) refuses, sent by a raw TCP
// server: a JSON call and a download each reject with a typed error, and no file is left.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient, MindzieError, NetworkError } from './index.js';
import { downloadPackageToFile } from './node.js';
import { ids, TOKEN } from './test-support/ids.js';
import { startRawServer } from './test-support/package-server.js';

const body = 'PK\u0003\u0004{}';
const ok = (headers: string) => `HTTP/1.1 200 OK\r\nContent-Type: application/zip\r\n${headers}`;

/** Each answer is written as it stands; every one is malformed HTTP/1.1. */
const hostile: [string, string][] = [
  ['a header line without a colon', ok(`Content-Length: ${body.length}\r\nNoColonHere\r\n\r\n${body}`)],
  ['a NUL inside a header value', ok(`Content-Length: ${body.length}\r\nX-Note: a\u0000b\r\n\r\n${body}`)],
  ['a header line ended by a bare LF', ok(`Content-Length: ${body.length}\nX-Note: b\r\n\r\n${body}`)],
  ['a 60 KB response head', ok(`Content-Length: ${body.length}\r\nX-Big: ${'a'.repeat(60 * 1024)}\r\n\r\n${body}`)],
  [
    'a bare LF after a chunk size',
    ok(`Transfer-Encoding: chunked\r\n\r\n${body.length.toString(16)}\n${body}\r\n0\r\n\r\n`),
  ],
  [
    'two different Content-Lengths',
    ok(`Content-Length: ${body.length}\r\nContent-Length: ${body.length + 1}\r\n\r\n${body}`),
  ],
  ['a status code that is not three digits', `HTTP/1.1 2000 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`],
];

let close: (() => Promise<void>) | undefined;
let folder: string | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
  if (folder) {
    await rm(folder, { recursive: true, force: true });
  }
  folder = undefined;
});

async function clientFor(answer: string) {
  const server = await startRawServer((socket) => socket.end(answer));
  close = server.close;
  return createClient({
    baseUrl: server.url,
    token: TOKEN,
    tenantId: ids.tenantId,
    projectId: ids.projectId,
    maxRetries: 0,
    timeoutMs: 10_000,
  });
}

describe.each(hostile)('an answer with %s', (_, answer) => {
  it('fails a JSON call with a NetworkError', async () => {
    const client = await clientFor(answer);
    const error = await client.getActionExecution(ids.executionId).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(JSON.stringify(error)).not.toContain(TOKEN);
  });

  it('fails a download with a NetworkError and leaves no file', async () => {
    const client = await clientFor(answer);
    folder = await mkdtemp(join(tmpdir(), 'mindzie-hostile-'));
    const error = await downloadPackageToFile(client, ids.executionId, { directory: folder }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MindzieError);
    expect(error).toBeInstanceOf(NetworkError);
    expect(await readdir(folder)).toEqual([]);
  });
});
