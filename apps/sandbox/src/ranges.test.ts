import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from './index.ts';
import { apiOf, seeded } from './test-support.ts';

let sandbox: Sandbox;
let api: ReturnType<typeof apiOf>;
beforeAll(async () => {
  sandbox = await startSandbox({ timeScale: 1000 });
  api = apiOf(sandbox);
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.admin.reset());

/** A past, completed execution of the fixture: its package is always there. */
const pastExecution = 'e0000000-0000-4000-8000-000000000001';
const download = (headers: Record<string, string> = {}, executionId = pastExecution) =>
  api.get(`/actionexecution/downloadpackage/${executionId}`, { headers });

async function whole(): Promise<{ bytes: Buffer; etag: string; lastModified: string }> {
  const response = await download();
  expect(response.status).toBe(200);
  expect(response.headers.get('accept-ranges')).toBe('bytes');
  return {
    bytes: Buffer.from(await response.arrayBuffer()),
    etag: response.headers.get('etag')!,
    lastModified: response.headers.get('last-modified')!,
  };
}

/** Reads a body until it ends or breaks; returns the bytes and whether it broke. */
async function readAll(response: Response): Promise<{ bytes: Buffer; broke: boolean }> {
  const parts: Uint8Array[] = [];
  const reader = response.body!.getReader();
  try {
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      parts.push(next.value);
    }
    return { bytes: Buffer.concat(parts), broke: false };
  } catch {
    return { bytes: Buffer.concat(parts), broke: true };
  }
}

describe('byte ranges on downloads', () => {
  it('announces Accept-Ranges with a strong ETag and Last-Modified that stay the same for a package', async () => {
    const first = await whole();
    const second = await whole();
    expect(first.etag).toMatch(/^"[^"]+"$/);
    expect(second.etag).toBe(first.etag);
    expect(new Date(first.lastModified).toUTCString()).toBe(first.lastModified);
    expect(second.bytes.equals(first.bytes)).toBe(true);
    const restarted = await startSandbox();
    try {
      const again = await fetch(`${apiOf(restarted).root}/actionexecution/downloadpackage/${pastExecution}`, {
        headers: { authorization: `Bearer ${restarted.token}` },
      });
      expect(again.headers.get('etag')).toBe(first.etag);
      expect(Buffer.from(await again.arrayBuffer()).equals(first.bytes)).toBe(true);
    } finally {
      await restarted.close();
    }
  });

  it('answers 206 with Content-Range for a range, with or without a matching If-Range', async () => {
    const { bytes, etag, lastModified } = await whole();
    const size = bytes.length;
    const cases: Array<[Record<string, string>, number, number]> = [
      [{ range: 'bytes=100-' }, 100, size - 1],
      [{ range: 'bytes=0-9', 'if-range': etag }, 0, 9],
      [{ range: `bytes=-20`, 'if-range': lastModified }, size - 20, size - 1],
      [{ range: `bytes=${size - 5}-${size + 1000}`, 'if-range': etag }, size - 5, size - 1],
    ];
    for (const [headers, start, end] of cases) {
      const response = await download(headers);
      expect(response.status, JSON.stringify(headers)).toBe(206);
      expect(response.headers.get('content-range')).toBe(`bytes ${start}-${end}/${size}`);
      expect(response.headers.get('content-length')).toBe(String(end - start + 1));
      expect(response.headers.get('content-type')).toBe('application/zip');
      expect(response.headers.get('etag')).toBe(etag);
      expect(Buffer.from(await response.arrayBuffer()).equals(bytes.subarray(start, end + 1))).toBe(true);
    }
  });

  it('answers the whole package (200) when If-Range does not match, and to ranges it does not serve', async () => {
    const { bytes, etag } = await whole();
    const wholeAnswers: Array<Record<string, string>> = [
      { range: 'bytes=100-', 'if-range': '"another-package"' },
      { range: 'bytes=100-', 'if-range': `W/${etag}` },
      { range: 'bytes=100-', 'if-range': 'Mon, 15 Jan 2024 10:30:03 GMT' },
      { range: 'bytes=0-9,20-29' }, // several ranges: no multipart here
      { range: 'bytes 0-9' }, // malformed (range-parser's -2): ignored
      { range: 'items=0-9' }, // a unit it does not know: ignored
      { 'if-range': etag }, // If-Range without Range: nothing to do
    ];
    for (const headers of wholeAnswers) {
      const response = await download(headers);
      expect(response.status, JSON.stringify(headers)).toBe(200);
      expect(response.headers.get('content-range')).toBeNull();
      expect(Buffer.from(await response.arrayBuffer()).equals(bytes), JSON.stringify(headers)).toBe(true);
    }
  });

  it('answers 416 with the size in Content-Range when no range lies within the package', async () => {
    const { bytes } = await whole();
    // Beyond the end, and ranges range-parser finds none valid in (as send and Express answer them).
    for (const range of [`bytes=${bytes.length}-`, 'bytes=x-y']) {
      const response = await download({ range });
      expect(response.status, range).toBe(416);
      expect(response.headers.get('content-range')).toBe(`bytes */${bytes.length}`);
      expect(await response.json()).toEqual({ error: expect.stringMatching(/^Range not satisfiable/) });
    }
  });

  it('serves the head and the tail of a large generated package as ranges', async () => {
    const large = seeded(sandbox.actions, 'Large export').actionId;
    const { actionExecutionId } = await (await api.get(`/action/execute/${large}`)).json();
    sandbox.admin.advanceTime(60_000);
    const head = await download({ range: 'bytes=0-3' }, actionExecutionId);
    expect(head.status).toBe(206);
    expect([...Buffer.from(await head.arrayBuffer())]).toEqual([0x50, 0x4b, 0x03, 0x04]);
    const size = Number(head.headers.get('content-range')!.split('/')[1]);
    expect(size).toBeGreaterThan(64 * 1024 * 1024);
    const tail = await download({ range: 'bytes=-22' }, actionExecutionId);
    expect(tail.status).toBe(206);
    const end = Buffer.from(await tail.arrayBuffer());
    expect(end.length).toBe(22);
    expect(end.readUInt32LE(0)).toBe(0x06054b50); // the ZIP's end-of-central-directory record
  });

  it('cuts a 206 midway with the truncate fault, and the resumed range completes the package', async () => {
    const { bytes, etag } = await whole();
    sandbox.admin.injectFault({ operationId: 'downloadActionExecutionPackage', kind: 'truncate', afterBytes: 50 });
    const cut = await download({ range: 'bytes=100-', 'if-range': etag });
    expect(cut.status).toBe(206);
    expect(cut.headers.get('content-length')).toBe(String(bytes.length - 100));
    const first = await readAll(cut);
    expect(first).toMatchObject({ broke: true });
    expect(first.bytes.equals(bytes.subarray(100, 150))).toBe(true);
    const rest = await download({ range: 'bytes=150-', 'if-range': etag });
    expect(rest.status).toBe(206);
    expect(Buffer.from(await rest.arrayBuffer()).equals(bytes.subarray(150))).toBe(true);
  });
});

describe('byte ranges turned off', () => {
  it('per sandbox (ranges: false): every download is a whole 200 without Accept-Ranges or validators', async () => {
    const plain = await startSandbox({ ranges: false });
    try {
      const response = await fetch(`${apiOf(plain).root}/actionexecution/downloadpackage/${pastExecution}`, {
        headers: { authorization: `Bearer ${plain.token}`, range: 'bytes=100-' },
      });
      expect(response.status).toBe(200);
      for (const header of ['accept-ranges', 'etag', 'last-modified', 'content-range']) {
        expect(response.headers.get(header), header).toBeNull();
      }
      const { bytes } = await whole();
      expect(Buffer.from(await response.arrayBuffer()).equals(bytes)).toBe(true);
    } finally {
      await plain.close();
    }
  });

  it('per fault (noRanges): matching requests ignore Range, together with a truncate; then ranges again', async () => {
    const { bytes, etag } = await whole();
    const operationId = 'downloadActionExecutionPackage';
    sandbox.admin.injectFault({ operationId, kind: 'noRanges', times: 2 });
    sandbox.admin.injectFault({ operationId, kind: 'truncate', afterBytes: 30 });
    const cut = await download({ range: 'bytes=100-', 'if-range': etag });
    expect(cut.status).toBe(200);
    expect(cut.headers.get('accept-ranges')).toBeNull();
    expect(cut.headers.get('content-length')).toBe(String(bytes.length));
    const first = await readAll(cut);
    expect(first.broke).toBe(true);
    expect(first.bytes.equals(bytes.subarray(0, 30))).toBe(true);

    const ignored = await download({ range: 'bytes=30-', 'if-range': etag });
    expect(ignored.status).toBe(200);
    expect(Buffer.from(await ignored.arrayBuffer()).equals(bytes)).toBe(true);
    expect((await download({ range: 'bytes=30-', 'if-range': etag })).status).toBe(206);
    expect(sandbox.admin.requests({ operationId }).map((entry) => [entry.status, entry.fault])).toEqual([
      [200, null],
      [200, 'truncate'],
      [200, 'noRanges'],
      [206, null],
    ]);
  });
});
