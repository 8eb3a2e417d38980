// Saving a package to disk against real servers, including their faults: the file is whole or absent.
import { createHash } from 'node:crypto';
import { mkdtemp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClient, InvalidArgumentError, NetworkError, NotFoundError, TimeoutError, type ClientOptions, type MindzieClient } from '../index.js';
import { downloadPackageToFile } from '../node.js';
import { sendJson, startServer, type TestServer } from '../test-support/http-server.js';
import { ids, TOKEN } from '../test-support/ids.js';
import { randomPackage, startPackageServer, type PackageServerOptions } from '../test-support/package-server.js';
import { buildZip, readZip } from '../test-support/zip.js';

let server: TestServer | undefined;
let root: string; // a sandbox folder; `dir` inside it is the download folder
let dir: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'mindzie-download-'));
  dir = join(root, 'downloads');
  await mkdir(dir);
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  await rm(root, { recursive: true, force: true });
});

async function serve(options: PackageServerOptions, clientOptions: Partial<ClientOptions> = {}): Promise<MindzieClient> {
  server = await startPackageServer(options);
  return createClient({ baseUrl: server.url, token: TOKEN, tenantId: ids.tenantId, projectId: ids.projectId, maxRetries: 0, ...clientOptions });
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const disposition = `attachment; filename="${ids.executionId}.zip"`;

describe('downloadPackageToFile', () => {
  it('saves a real ZIP under the server file name, byte for byte, reporting progress', async () => {
    const zip = buildZip({ 'results.csv': randomPackage(3 * 1024 * 1024), 'notes.txt': Buffer.from('done') });
    const client = await serve({ body: zip, disposition });
    const progress: [number, number | undefined][] = [];
    const saved = await downloadPackageToFile(client, ids.executionId, { directory: dir, onProgress: (bytes, total) => progress.push([bytes, total]) });
    expect(saved).toEqual({ path: join(dir, `${ids.executionId}.zip`), bytes: zip.length, filename: `${ids.executionId}.zip` });
    const onDisk = await readFile(saved.path);
    expect(sha256(onDisk)).toBe(sha256(zip));
    expect(Object.keys(readZip(onDisk))).toEqual(['results.csv', 'notes.txt']);
    expect(progress.at(-1)).toEqual([zip.length, zip.length]);
    expect(progress.map(([bytes]) => bytes)).toEqual([...progress.map(([bytes]) => bytes)].sort((a, b) => a - b));
    expect(await readdir(dir)).toEqual([`${ids.executionId}.zip`]); // no temporary file left
  });

  it('writes exactly to `path` when given', async () => {
    const body = randomPackage(1000);
    const client = await serve({ body, disposition });
    const target = join(dir, 'latest.zip');
    const saved = await downloadPackageToFile(client, ids.executionId, { path: target });
    expect(saved.path).toBe(target);
    expect(saved.filename).toBe('latest.zip');
    expect((await readFile(target)).equals(body)).toBe(true);
  });

  it('keeps the file inside the folder whatever name the server suggests', async () => {
    for (const name of ['../escape.zip', '../../../../tmp/escape.zip', '..\\\\escape.zip', '/etc/escape.zip']) {
      const client = await serve({ body: randomPackage(100), disposition: `attachment; filename="${name}"` });
      const saved = await downloadPackageToFile(client, ids.executionId, { directory: dir, overwrite: true });
      expect(saved.path).toBe(join(dir, 'escape.zip'));
      await server!.close();
    }
    expect(await readdir(root)).toEqual(['downloads']);
    expect(await readdir(dir)).toEqual(['escape.zip']);
  });

  it('falls back to {executionId}.zip when the suggested name has nothing safe in it', async () => {
    const client = await serve({ body: randomPackage(100), disposition: 'attachment; filename="../.."' });
    const saved = await downloadPackageToFile(client, ids.executionId, { directory: dir });
    expect(saved.filename).toBe(`${ids.executionId}.zip`);
  });

  it('refuses to replace an existing file unless told to, without sending anything when it knows beforehand', async () => {
    const client = await serve({ body: randomPackage(100), disposition });
    const target = join(dir, `${ids.executionId}.zip`);
    await writeFile(target, 'precious');
    const byPath = await downloadPackageToFile(client, ids.executionId, { path: target }).catch((e: unknown) => e);
    expect(byPath).toBeInstanceOf(InvalidArgumentError);
    expect((byPath as InvalidArgumentError).argument).toBe('overwrite');
    expect(server!.requests).toHaveLength(0);
    const byName = await downloadPackageToFile(client, ids.executionId, { directory: dir }).catch((e: unknown) => e);
    expect(byName).toBeInstanceOf(InvalidArgumentError);
    expect(await readFile(target, 'utf8')).toBe('precious');
    expect(await readdir(dir)).toEqual([`${ids.executionId}.zip`]);
    const replaced = await downloadPackageToFile(client, ids.executionId, { directory: dir, overwrite: true });
    expect(replaced.bytes).toBe(100);
    expect((await readFile(target)).length).toBe(100);
  });

  it.each([
    ['the connection drops mid-body', 'destroy-midway', NetworkError],
    ['the body is shorter than Content-Length', 'short-body', NetworkError],
    ['the server stalls mid-body', 'stall-midway', TimeoutError],
  ] as const)('leaves no file when %s', async (_, fault, ErrorClass) => {
    const client = await serve({ body: randomPackage(4 * 1024 * 1024), disposition, fault }, { timeoutMs: 300 });
    const error = await downloadPackageToFile(client, ids.executionId, { directory: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ErrorClass);
    expect(await readdir(dir)).toEqual([]);
  });

  it('leaves no file and rejects with the reason when aborted mid-body', async () => {
    const client = await serve({ body: randomPackage(4 * 1024 * 1024), disposition, fault: 'stall-midway' });
    const controller = new AbortController();
    const reason = new Error('user cancelled');
    const saving = downloadPackageToFile(client, ids.executionId, {
      directory: dir,
      signal: controller.signal,
      onProgress: (bytes) => bytes > 0 && controller.abort(reason),
    });
    await expect(saving).rejects.toBe(reason);
    expect(await readdir(dir)).toEqual([]);
  });

  it('leaves no file when the progress callback throws, and stops the download', async () => {
    const client = await serve({ body: randomPackage(4 * 1024 * 1024), disposition });
    const failure = new Error('callback bug');
    await expect(
      downloadPackageToFile(client, ids.executionId, {
        directory: dir,
        onProgress: () => {
          throw failure;
        },
      }),
    ).rejects.toBe(failure);
    expect(await readdir(dir)).toEqual([]);
  });

  it('leaves no file for a missing package', async () => {
    server = await startServer((_req, res) => sendJson(res, 404, { error: 'Execution not found', executionId: ids.executionId }));
    const client = createClient({ baseUrl: server.url, token: TOKEN, tenantId: ids.tenantId, projectId: ids.projectId });
    await expect(downloadPackageToFile(client, ids.executionId, { directory: dir })).rejects.toMatchObject({ name: 'NotFoundError', reason: 'Execution not found' });
    expect(await readdir(dir)).toEqual([]);
    expect(NotFoundError).toBeDefined();
  });

  it('checks its arguments before sending anything', async () => {
    const client = await serve({ body: randomPackage(10), disposition });
    const cases: [() => Promise<unknown>, string][] = [
      [() => downloadPackageToFile(client, 'nope', { directory: dir }), 'executionId'],
      [() => downloadPackageToFile(client, ids.executionId, { directory: join(dir, 'missing') }), 'directory'],
      [() => downloadPackageToFile(client, ids.executionId, { path: join(dir, 'missing', 'x.zip') }), 'path'],
      [() => downloadPackageToFile(client, ids.executionId, { path: join(dir, 'x.zip'), directory: dir }), 'path'],
      [() => downloadPackageToFile(client, ids.executionId, { directory: dir, onProgress: 5 as never }), 'onProgress'],
    ];
    for (const [call, argument] of cases) {
      const error = await call().catch((e: unknown) => e);
      expect(error, argument).toBeInstanceOf(InvalidArgumentError);
      expect((error as InvalidArgumentError).argument).toBe(argument);
    }
    expect(server!.requests).toHaveLength(0);
    expect(await readdir(dir)).toEqual([]);
  });
});
