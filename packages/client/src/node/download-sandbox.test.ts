// A cut download against the sandbox (its `truncate` fault), with its byte ranges on and off
// (the `noRanges` fault): a whole, valid ZIP either way, resumed with a 206 or restarted with a 200.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Sandbox, startSandbox } from '@mindzie/sandbox';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createClient, type MindzieClient, NetworkError } from '../index.js';
import { downloadPackageToFile } from '../node.js';
import { readZip } from '../test-support/zip.js';

let sandbox: Sandbox;
let client: MindzieClient;
let dir: string;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, timeScale: 1000 });
  const { baseUrl, token, tenantId, projectId } = sandbox;
  client = createClient({ baseUrl, token, tenantId, projectId });
});
afterAll(() => sandbox?.close());
beforeEach(async () => {
  sandbox.admin.reset();
  dir = await mkdtemp(join(tmpdir(), 'mindzie-sandbox-download-'));
  return () => rm(dir, { recursive: true, force: true });
});

/** A past, completed execution of the sandbox's fixture: its package is always there. */
const pastExecution = 'e0000000-0000-4000-8000-000000000001';
const operationId = 'downloadActionExecutionPackage';
const statuses = () => sandbox.admin.requests({ operationId }).map((r) => r.status);

describe('downloadPackageToFile against the sandbox, its answers cut', () => {
  it.each([
    ['ranges on: the rest as a 206', false, [null, 206], [null, null, 206]],
    ['ranges off: the whole package again', true, [null, 200], [null, null, 200]],
  ])('%s, cut once or twice', async (_, noRanges, once, twice) => {
    for (const [cuts, expected] of [
      [1, once],
      [2, twice],
    ] as const) {
      sandbox.admin.reset();
      sandbox.admin.injectFault({ operationId, kind: 'truncate', afterBytes: 100, times: cuts });
      if (noRanges) {
        sandbox.admin.injectFault({ operationId, kind: 'noRanges', times: 'always' });
      }
      const saved = await downloadPackageToFile(client, pastExecution, { directory: join(dir, String(cuts)) });
      const files = readZip(await readFile(saved.path));
      expect(Object.keys(files).length).toBeGreaterThan(0);
      // A cut answer has no status in the log (its connection was closed), then the finishing one.
      expect(statuses()).toEqual(expected);
      expect(await readdir(join(dir, String(cuts)))).toEqual([saved.filename]);
    }
  });

  it('cut more often than the retry budget: a NetworkError and no file', async () => {
    sandbox.admin.injectFault({ operationId, kind: 'truncate', afterBytes: 100, times: 'always' });
    const error = await downloadPackageToFile(client, pastExecution, { directory: dir, maxRetries: 1 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(NetworkError);
    expect(statuses()).toHaveLength(2);
    expect(await readdir(dir)).toEqual([]);
  });
});
