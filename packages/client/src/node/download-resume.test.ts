// A download cut mid-body is finished, not failed: the rest asked for with Range + If-Range where the
// server offers ranges with a validator, the whole package again where not, never two packages spliced.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ClientOptions, createClient, NetworkError } from '../index.js';
import { downloadPackageToFile } from '../node.js';
import type { TestServer } from '../test-support/http-server.js';
import { ids, TOKEN } from '../test-support/ids.js';
import { type RangeServerOptions, startRangeServer } from '../test-support/range-server.js';
import { buildZip, readZip } from '../test-support/zip.js';

let server: TestServer | undefined;
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mindzie-resume-'));
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  await rm(dir, { recursive: true, force: true });
});

const zip = (seed: string) =>
  buildZip({ 'results.csv': Buffer.alloc(2 * 1024 * 1024, seed), 'seed.txt': Buffer.from(seed) });

const transports: [string, Partial<ClientOptions>][] = [
  ['undici (no fetch given)', {}],
  ['a custom fetch', { fetch: (input, init) => fetch(input, init) }],
];

describe.each(transports)('a cut download through %s', (_, transport) => {
  const save = async (options: RangeServerOptions, maxRetries: number) => {
    server = await startRangeServer(options);
    const client = createClient({
      baseUrl: server.url,
      token: TOKEN,
      tenantId: ids.tenantId,
      projectId: ids.projectId,
      maxRetries,
      ...transport,
    });
    return downloadPackageToFile(client, ids.executionId, { directory: dir });
  };
  const ranges = () => server!.requests.map((r) => [r.headers.range, String(r.headers['if-range'] ?? '') || undefined]);

  it.each([1, 2])('with ranges: %i cut(s), the rest asked for with Range + If-Range, a whole ZIP', async (cuts) => {
    const body = zip('a');
    const saved = await save({ body, ranges: true, cuts }, 2);
    expect((await readFile(saved.path)).equals(body)).toBe(true);
    expect(Object.keys(readZip(await readFile(saved.path)))).toEqual(['results.csv', 'seed.txt']);
    const asked = ranges();
    expect(asked).toHaveLength(cuts + 1);
    expect(asked[0]).toEqual([undefined, undefined]);
    expect(asked.slice(1).every(([range, ifRange]) => /^bytes=\d+-$/.test(range!) && ifRange === '"first"')).toBe(true);
    // Each retry asked for the bytes after those on disk, never from 0.
    expect(asked.slice(1).every(([range]) => Number(/\d+/.exec(range!)![0]) > 0)).toBe(true);
    expect(await readdir(dir)).toEqual([saved.filename]);
  });

  it.each([1, 2])('without ranges: %i cut(s), the whole package again, a whole ZIP', async (cuts) => {
    const body = zip('b');
    const saved = await save({ body, ranges: false, cuts }, 2);
    expect((await readFile(saved.path)).equals(body)).toBe(true);
    expect(ranges().every(([range]) => range === undefined)).toBe(true);
    expect(server!.requests).toHaveLength(cuts + 1);
  });

  it('a package replaced meanwhile (If-Range no longer matches): the new one whole, never spliced', async () => {
    const next = zip('c');
    const saved = await save({ body: zip('a'), next, ranges: true, cuts: 1 }, 2);
    expect((await readFile(saved.path)).equals(next)).toBe(true);
    expect(ranges()[1]).toEqual([expect.stringMatching(/^bytes=/), '"first"']);
  });

  it('a 206 whose Content-Range is not the missing part: started over, never spliced', async () => {
    const body = zip('d');
    const saved = await save({ body, ranges: true, cuts: 1, wrongRange: 'bytes 0-9/10' }, 2);
    expect((await readFile(saved.path)).equals(body)).toBe(true);
    expect(ranges()[2]).toEqual([undefined, undefined]);
  });

  it('cut more often than the retry budget allows: a NetworkError and no file', async () => {
    const error = await save({ body: zip('e'), ranges: true, cuts: 3 }, 2).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(server!.requests).toHaveLength(3);
    expect(await readdir(dir)).toEqual([]);
  });
});
