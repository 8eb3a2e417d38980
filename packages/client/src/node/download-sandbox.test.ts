// A download cut once by the sandbox (its `truncate` fault), with its byte ranges on and off
// (the `noRanges` fault): a whole, valid ZIP either way, resumed with a 206 or restarted with a 200.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Sandbox, startSandbox } from '@mindzie/sandbox';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createClient, type MindzieClient } from '../index.js';
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

describe('downloadPackageToFile against the sandbox, its answer cut once', () => {
  it.each([
    ['ranges on: the rest asked for with Range, a 206', false, [200, 206]],
    ['ranges off (noRanges): the whole package again, a 200', true, [200, 200]],
  ])('%s', async (_, noRanges, expected) => {
    sandbox.admin.injectFault({ operationId, kind: 'truncate', afterBytes: 100 });
    if (noRanges) {
      sandbox.admin.injectFault({ operationId, kind: 'noRanges', times: 'always' });
    }
    const saved = await downloadPackageToFile(client, pastExecution, { directory: join(dir, 'out') });
    expect(Object.keys(readZip(await readFile(saved.path))).length).toBeGreaterThan(0);
    // The cut answer's status (its headers were sent), then the one that finished the file.
    expect(statuses()).toEqual(expected);
    expect(await readdir(join(dir, 'out'))).toEqual([saved.filename]);
  });
});
