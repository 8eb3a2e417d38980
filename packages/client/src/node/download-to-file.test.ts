// Saving a package to disk against real servers, including their faults: the file is whole or absent.
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type ClientOptions,
  createClient,
  InvalidArgumentError,
  type MindzieClient,
  NetworkError,
  NotFoundError,
  TimeoutError,
} from '../index.js';
import { downloadPackageToFile } from '../node.js';
import { sendJson, startServer, type TestServer } from '../test-support/http-server.js';
import { ids, TOKEN } from '../test-support/ids.js';
import { type PackageServerOptions, randomPackage, startPackageServer } from '../test-support/package-server.js';
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

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const disposition = `attachment; filename="${ids.executionId}.zip"`;

/**
 * Source of a child process that downloads the package from `url` into `dir` with the built client, loaded as an
 * application loads it (turbo builds it before the tests). `before` runs first, `options` goes into the download's
 * options, `after` runs with its result as `saved`.
 */
function downloadScript(url: string, { before = '', options = '', after = '' } = {}): string {
  const dist = (file: string) => JSON.stringify(fileURLToPath(new URL(`../../dist/${file}`, import.meta.url)));
  return `
    ${before}
    const { createClient } = await import(${dist('index.js')});
    const { downloadPackageToFile } = await import(${dist('node.js')});
    const client = createClient({
      baseUrl: ${JSON.stringify(url)},
      token: 'secret-token',
      tenantId: ${JSON.stringify(ids.tenantId)},
      projectId: ${JSON.stringify(ids.projectId)},
    });
    const saved = await downloadPackageToFile(client, ${JSON.stringify(ids.executionId)}, {
      directory: ${JSON.stringify(dir)},
      ${options}
    });
    ${after}
  `;
}

// Without a `fetch` option the download goes out through undici; with one, through that fetch
// and the client's web stream. Both must keep every promise below.
const paths: [string, Partial<ClientOptions>][] = [
  ['undici (no fetch given)', {}],
  ['a custom fetch', { fetch: (input, init) => fetch(input, init) }],
];

describe.each(paths)('downloadPackageToFile through %s', (_, transport) => {
  async function serve(
    options: PackageServerOptions,
    clientOptions: Partial<ClientOptions> = {},
  ): Promise<MindzieClient> {
    server = await startPackageServer(options);
    return createClient({
      baseUrl: server.url,
      token: TOKEN,
      tenantId: ids.tenantId,
      projectId: ids.projectId,
      maxRetries: 0,
      ...transport,
      ...clientOptions,
    });
  }

  it('saves a real ZIP under the server file name, byte for byte, reporting progress', async () => {
    const zip = buildZip({ 'results.csv': randomPackage(3 * 1024 * 1024), 'notes.txt': Buffer.from('done') });
    const client = await serve({ body: zip, disposition });
    const progress: [number, number | undefined][] = [];
    const saved = await downloadPackageToFile(client, ids.executionId, {
      directory: dir,
      onProgress: (bytes, total) => progress.push([bytes, total]),
    });
    expect(saved).toEqual({
      path: join(dir, `${ids.executionId}.zip`),
      bytes: zip.length,
      filename: `${ids.executionId}.zip`,
    });
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

  it('saves under a long non-ASCII name the server suggests, cut to what a file system allows', async () => {
    const suggested = `${'月次売上報告'.repeat(20)}.zip`; // 364 bytes of UTF-8: over the 255 a file name may have
    const client = await serve({
      body: randomPackage(1000),
      disposition: `attachment; filename*=UTF-8''${encodeURIComponent(suggested)}`,
    });
    const saved = await downloadPackageToFile(client, ids.executionId, { directory: dir });
    expect(saved.filename).toMatch(/^(月次売上報告)+[^.]*\.zip$/);
    expect(Buffer.byteLength(saved.filename)).toBeLessThanOrEqual(200);
    expect(await readdir(dir)).toEqual([saved.filename]);
  });

  it('falls back to {executionId}.zip when the suggested name has nothing safe in it', async () => {
    const client = await serve({ body: randomPackage(100), disposition: 'attachment; filename="../.."' });
    const saved = await downloadPackageToFile(client, ids.executionId, { directory: dir });
    expect(saved.filename).toBe(`${ids.executionId}.zip`);
  });

  it('refuses to replace an existing file unless told to, sending nothing when it knows beforehand', async () => {
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

  it("leaves no file and rejects with the disk's own error when the disk refuses a write", async () => {
    const client = await serve({ body: randomPackage(4 * 1024 * 1024), disposition });
    // A full disk, made real for this process alone: files may grow to 1 MiB (util-linux's prlimit).
    const limitFileSize = (soft: string) => execFileSync('prlimit', ['--pid', String(process.pid), `--fsize=${soft}:`]);
    limitFileSize(String(1024 * 1024));
    const error = await downloadPackageToFile(client, ids.executionId, { directory: dir })
      .catch((e: unknown) => e)
      .finally(() => limitFileSize('unlimited'));
    expect(error).toMatchObject({ code: 'EFBIG' });
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
    server = await startServer((_req, res) =>
      sendJson(res, 404, { error: 'Execution not found', executionId: ids.executionId }),
    );
    const client = createClient({
      baseUrl: server.url,
      token: TOKEN,
      tenantId: ids.tenantId,
      projectId: ids.projectId,
      ...transport,
    });
    await expect(downloadPackageToFile(client, ids.executionId, { directory: dir })).rejects.toMatchObject({
      name: 'NotFoundError',
      reason: 'Execution not found',
    });
    expect(await readdir(dir)).toEqual([]);
    expect(NotFoundError).toBeDefined();
  });

  it('creates a missing folder and its parents (as mkdir -p), for directory and for path', async () => {
    const body = randomPackage(100);
    const client = await serve({ body, disposition });
    const byDirectory = await downloadPackageToFile(client, ids.executionId, { directory: join(dir, 'a', 'b') });
    expect(byDirectory.path).toBe(join(dir, 'a', 'b', `${ids.executionId}.zip`));
    const byPath = await downloadPackageToFile(client, ids.executionId, { path: join(dir, 'c', 'd', 'x.zip') });
    expect((await readFile(byPath.path)).equals(body)).toBe(true);
  });

  it('checks its arguments before sending anything', async () => {
    const client = await serve({ body: randomPackage(10), disposition });
    const aFile = join(root, 'a-file');
    await writeFile(aFile, 'not a folder');
    const cases: [() => Promise<unknown>, string][] = [
      [() => downloadPackageToFile(client, 'nope', { directory: dir }), 'executionId'],
      [() => downloadPackageToFile(client, ids.executionId, { directory: aFile }), 'directory'],
      [() => downloadPackageToFile(client, ids.executionId, { path: join(aFile, 'x.zip') }), 'path'],
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
  it('keeps a slow but healthy stream alive far past timeoutMs (the timeout is per chunk)', async () => {
    const body = randomPackage(12 * 1024);
    const client = await serve({ body, chunkSize: 1024, chunkDelayMs: 100, disposition }, { timeoutMs: 500 });
    const started = performance.now();
    const saved = await downloadPackageToFile(client, ids.executionId, { directory: dir });
    // Twice the timeout, and still fine (gaps of 100 ms leave room for a loaded machine).
    expect(performance.now() - started).toBeGreaterThan(1000);
    expect((await readFile(saved.path)).equals(body)).toBe(true);
  });

  it('rejects with the abort reason, sending nothing, when the signal is already aborted', async () => {
    const client = await serve({ body: randomPackage(100), disposition });
    const reason = new Error('never mind');
    await expect(
      downloadPackageToFile(client, ids.executionId, { directory: dir, signal: AbortSignal.abort(reason) }),
    ).rejects.toBe(reason);
    expect(server!.requests).toHaveLength(0);
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('which way a download goes', () => {
  it('through undici when the client was given no fetch: the global fetch is never called', async () => {
    const body = randomPackage(256 * 1024);
    server = await startPackageServer({ body, disposition });
    const realFetch = globalThis.fetch;
    let fetchCalls = 0;
    globalThis.fetch = async () => {
      fetchCalls++;
      throw new Error('fetch must not be used');
    };
    try {
      const client = createClient({
        baseUrl: server.url,
        token: TOKEN,
        tenantId: ids.tenantId,
        projectId: ids.projectId,
        maxRetries: 0,
      });
      const saved = await downloadPackageToFile(client, ids.executionId, { directory: dir });
      expect((await readFile(saved.path)).equals(body)).toBe(true);
    } finally {
      globalThis.fetch = realFetch;
    }
    expect(fetchCalls).toBe(0);
  });

  it('through the fetch the client was given, once per attempt', async () => {
    const body = randomPackage(256 * 1024);
    server = await startPackageServer({ body, disposition });
    let fetchCalls = 0;
    const counting: typeof fetch = (input, init) => {
      fetchCalls++;
      return fetch(input, init);
    };
    const client = createClient({
      baseUrl: server.url,
      token: TOKEN,
      tenantId: ids.tenantId,
      projectId: ids.projectId,
      fetch: counting,
    });
    const saved = await downloadPackageToFile(client, ids.executionId, { directory: dir });
    expect((await readFile(saved.path)).equals(body)).toBe(true);
    expect(fetchCalls).toBe(1);
  });

  it('through downloadPackage of a client this package did not make (a wrapper), never around it', async () => {
    const body = randomPackage(1000);
    server = await startPackageServer({ body, disposition });
    const inner = createClient({ baseUrl: server.url, token: TOKEN, tenantId: ids.tenantId, projectId: ids.projectId });
    const asked: string[] = [];
    const wrapper: MindzieClient = {
      ...inner,
      downloadPackage: (executionId, options) => {
        asked.push(executionId);
        return inner.downloadPackage(executionId, options);
      },
    };
    const saved = await downloadPackageToFile(wrapper, ids.executionId, { directory: dir });
    expect(asked).toEqual([ids.executionId]);
    expect((await readFile(saved.path)).equals(body)).toBe(true);
  });

  it('checks the size itself when a client it did not make hands it a stream off Content-Length', async () => {
    const inner = createClient({
      baseUrl: 'http://127.0.0.1:1',
      token: TOKEN,
      tenantId: ids.tenantId,
      projectId: ids.projectId,
    });
    const wrapper: MindzieClient = {
      ...inner,
      downloadPackage: async () => ({ stream: new Blob([new Uint8Array(10)]).stream(), filename: 'p.zip', size: 20 }),
    };
    const error = await downloadPackageToFile(wrapper, ids.executionId, { directory: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toContain('10 bytes but Content-Length announced 20');
    expect(await readdir(dir)).toEqual([]);
  });
});

describe("downloadPackageToFile after the runtime's own fetch made the global dispatcher", () => {
  it('still saves the package (Node 20 and 22 bundle undici 6, whose Agent cannot run undici 7 handlers)', async () => {
    const body = randomPackage(64 * 1024);
    server = await startPackageServer({ body, disposition });
    // A script that fetched something before it first loaded '@mindzie/client/node' (a dynamic import).
    const script = downloadScript(server.url, {
      before: `await fetch(${JSON.stringify(server.url)}).then((r) => r.arrayBuffer()).catch(() => {});`,
      after: 'console.log(JSON.stringify(saved));',
    });
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk));
    const status = await new Promise((resolve) => child.on('close', resolve));
    expect([status, output]).toEqual([0, expect.stringContaining(`"bytes":${body.length}`)]);
  });
});

describe('downloadPackageToFile in a process that exits mid-download', () => {
  it('listens for the exit only while a download is under way', async () => {
    server = await startPackageServer({ body: randomPackage(3 * 1024 * 1024), disposition });
    const client = createClient({
      baseUrl: server.url,
      token: TOKEN,
      tenantId: ids.tenantId,
      projectId: ids.projectId,
    });
    const before = process.listenerCount('exit');
    const during: number[] = [];
    await downloadPackageToFile(client, ids.executionId, {
      directory: dir,
      onProgress: () => during.push(process.listenerCount('exit')),
    });
    expect(during[0]).toBe(before + 1);
    expect(process.listenerCount('exit')).toBe(before);
  });

  it('leaves no partial file: the exit removes it (a second Ctrl-C, process.exit in a handler)', async () => {
    server = await startPackageServer({ body: randomPackage(4 * 1024 * 1024), disposition, fault: 'stall-midway' });
    // Half the package is on disk when the first batch is reported; then the process is gone.
    const script = downloadScript(server.url, { options: 'onProgress: () => process.exit(130),' });
    // Not spawnSync: the server runs in this process and must keep serving.
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    const status = await new Promise((resolve) => child.on('close', resolve));
    expect([status, stderr]).toEqual([130, '']);
    expect(await readdir(dir)).toEqual([]);
  });

  it('a process ended by SIGTERM leaves its .part file, which the next download into the folder removes', async () => {
    server = await startPackageServer({ body: randomPackage(4 * 1024 * 1024), disposition, fault: 'stall-midway' });
    // A library user's script: no signal handler of its own, so SIGTERM ends it at once (no 'exit' event).
    const script = downloadScript(server.url, {
      before: 'let told = false;',
      options: "onProgress: () => told || (told = process.stdout.write('writing\\n')),",
    });
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    await new Promise((resolve) => child.stdout.once('data', resolve));
    child.kill('SIGTERM');
    const signal = await new Promise((resolve) => child.on('close', (_code, signal) => resolve(signal)));
    expect(signal).toBe('SIGTERM');
    const left = await readdir(dir);
    expect(left).toEqual([
      expect.stringMatching(new RegExp(`^\\.${ids.executionId}\\.zip\\.${child.pid}\\.[0-9a-f]{12}\\.part$`)),
    ]);
    await server.close();
    server = await startPackageServer({ body: randomPackage(1024), disposition });
    const client = createClient({
      baseUrl: server.url,
      token: TOKEN,
      tenantId: ids.tenantId,
      projectId: ids.projectId,
    });
    await downloadPackageToFile(client, ids.executionId, { directory: dir });
    expect(await readdir(dir)).toEqual([`${ids.executionId}.zip`]);
  });
});
