// The nightly job as cron, systemd or a workflow runs it: `node nightly.mjs` in a folder, with
// the MINDZIE_* variables of a real sandbox; its exit code and its dated ZIP are what count.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type Sandbox, startSandbox } from '@mindzie/sandbox';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

const script = join(import.meta.dirname, '..', 'nightly', 'nightly.mjs');
const daily = 'a0000000-0000-4000-8000-000000000001'; // Daily sales report: Completed
const failing = 'a0000000-0000-4000-8000-000000000002'; // Nightly data import: Failed

let sandbox: Sandbox;
let folder: string;

beforeAll(async () => {
  sandbox = await startSandbox({ timeScale: 20 });
});
afterAll(() => sandbox?.close());
beforeEach(() => {
  sandbox.admin.reset();
  folder = mkdtempSync(join(tmpdir(), 'nightly-'));
});
afterEach(() => rmSync(folder, { recursive: true, force: true }));

/** Runs the job; resolves with its exit code and output whatever the code. */
async function nightly(args: string[], settings: Record<string, string> = {}) {
  const env = {
    PATH: process.env.PATH,
    MINDZIE_BASE_URL: sandbox.baseUrl,
    MINDZIE_TOKEN: sandbox.token,
    MINDZIE_TENANT_ID: sandbox.tenantId,
    MINDZIE_PROJECT_ID: sandbox.projectId,
    ...settings,
  };
  return promisify(execFile)(process.execPath, [script, ...args], { cwd: folder, env, timeout: 60_000 }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
}

const today = () => new Date().toISOString().slice(0, 10);
/** The names the job may have given its file: a run that crosses midnight (UTC) names the day it started. */
const namesAround = async (run: () => Promise<unknown>) => {
  const before = today();
  await run();
  return [...new Set([before, today()])].map((day) => `${daily}-${day}.zip`);
};

describe('the nightly job', () => {
  it("saves the day's package as reports/<action>-<date>.zip, creating the folder, and exits 0", async () => {
    let result = { code: -1, stdout: '' };
    const names = await namesAround(async () => {
      result = await nightly([daily]);
    });
    const { code, stdout } = result;
    expect(code).toBe(0);
    const saved = readdirSync(join(folder, 'reports'));
    expect(saved).toHaveLength(1);
    const name = saved[0]!;
    expect(names).toContain(name);
    expect(
      readFileSync(join(folder, 'reports', name))
        .subarray(0, 2)
        .toString(),
    ).toBe('PK');
    expect(stdout).toContain(`Completed: saved ${join(folder, 'reports', name)}`);
    expect(sandbox.admin.requests({ operationId: 'executeAction' })).toHaveLength(1);
  });

  it('reads the action and the folder from NIGHTLY_ACTION_ID and NIGHTLY_DIR', async () => {
    let code = -1;
    const names = await namesAround(async () => {
      ({ code } = await nightly([], { NIGHTLY_ACTION_ID: daily, NIGHTLY_DIR: 'archive/nightly' }));
    });
    expect(code).toBe(0);
    const saved = readdirSync(join(folder, 'archive', 'nightly'));
    expect(saved).toHaveLength(1);
    expect(names).toContain(saved[0]);
  });

  it("exits 2 on a second run the same day, running nothing (the day's file is kept)", async () => {
    expect((await nightly([daily])).code).toBe(0);
    sandbox.admin.clearRequests();
    const { code, stderr } = await nightly([daily]);
    expect(code).toBe(2);
    expect(stderr).toContain('already exists');
    expect(sandbox.admin.requests()).toHaveLength(0);
  });

  it('exits 3 when the execution fails, saving nothing and saying why', async () => {
    const { code, stderr } = await nightly([failing]);
    expect(code).toBe(3);
    expect(stderr).toContain('ended Failed');
    expect(readdirSync(join(folder, 'reports'))).toEqual([]);
  });

  it('exits 6 when the token is refused, having executed nothing', async () => {
    const { code, stderr } = await nightly([daily], { MINDZIE_TOKEN: 'a-revoked-token' });
    expect(code).toBe(6);
    expect(stderr).toContain('nothing was executed');
    expect(stderr).not.toContain('a-revoked-token');
    expect(sandbox.admin.requests({ operationId: 'executeAction' })).toHaveLength(0);
  });

  it('exits 2 naming every missing setting, sending nothing', async () => {
    const { code, stderr } = await nightly([daily], { MINDZIE_BASE_URL: '', MINDZIE_TOKEN: '' });
    expect(code).toBe(2);
    expect(stderr).toContain('MINDZIE_BASE_URL');
    expect(stderr).toContain('MINDZIE_TOKEN');
    expect(sandbox.admin.requests()).toHaveLength(0);
  });
});
