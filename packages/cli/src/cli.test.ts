// End to end: the built `mindzie` bin against the real sandbox, both as processes.
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import yauzl from 'yauzl';
import { type ExitName, exitCodes } from './exit-codes.js';
import { runCli } from './run.js';
import { type MindzieRun, mindzie, startMindzie } from './test-support/mindzie.js';
import { type SandboxProcess, startSandboxProcess } from './test-support/sandbox.js';

// Each test spawns real processes (up to seven `mindzie` runs and the sandbox's answers): on a
// busy 2-core machine one run can take several seconds, so a test gets a minute, not 20 s.
vi.setConfig({ testTimeout: 60_000 });

const code = (name: ExitName) => exitCodes.find((row) => row.name === name)!.code;
const unknownGuid = 'f0000000-0000-4000-8000-0000000000ff';

let sandbox: SandboxProcess;
let work: string;

beforeAll(async () => {
  // At time scale 10 the seeded actions take 0.1–0.3 s; "Full reprocessing" takes a minute.
  sandbox = await startSandboxProcess(10);
  work = await mkdtemp(join(tmpdir(), 'mindzie-cli-'));
});

afterAll(async () => {
  await sandbox?.stop();
  if (work) {
    await rm(work, { recursive: true, force: true });
  }
});

/** Runs mindzie against the sandbox with `--json` and parses stdout as the one document it must be. */
async function json(args: string[], env: Record<string, string | undefined> = sandbox.env) {
  const run = await mindzie([...args, '--json'], env, work);
  let document: Record<string, any>;
  try {
    document = JSON.parse(run.stdout);
  } catch {
    throw new Error(`stdout is not one JSON document (exit ${run.code}):\n${run.stdout}\n--- stderr:\n${run.stderr}`);
  }
  return { ...run, document };
}

async function sha256(bytes: Uint8Array) {
  return createHash('sha256').update(bytes).digest('hex');
}

function zipEntries(file: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) {
        return reject(error);
      }
      const names: string[] = [];
      zip.on('entry', (entry: yauzl.Entry) => {
        names.push(entry.fileName);
        zip.readEntry();
      });
      zip.on('end', () => resolve(names));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

function expectNoTokenIn(run: MindzieRun, token: string) {
  expect(run.stdout).not.toContain(token);
  expect(run.stderr).not.toContain(token);
}

describe('mindzie action run', () => {
  it('executes once, waits, downloads the package byte for byte and reports it as one JSON document', async () => {
    const actionId = sandbox.actionId('Daily sales report');
    const before = (await sandbox.requests('executeAction')).length;
    const run = await json(['action', 'run', actionId, '--wait', '--download', `${work}/packages/`]);

    expect(run.code).toBe(code('success'));
    const { execution, package: saved } = run.document;
    expect(execution).toMatchObject({ actionId, status: 'Completed' });
    expect(saved.path).toBe(join(work, 'packages', `${execution.actionExecutionId}.zip`));
    const onDisk = await readFile(saved.path);
    expect(saved.bytes).toBe(onDisk.length);
    const served = new Uint8Array(
      await (await sandbox.api(`/actionexecution/downloadpackage/${execution.actionExecutionId}`)).arrayBuffer(),
    );
    expect(await sha256(onDisk)).toBe(await sha256(served));
    expect((await zipEntries(saved.path)).sort()).toEqual(['logs/run.txt', 'sales.csv', 'summary.json']);
    expect((await sandbox.requests('executeAction')).length).toBe(before + 1);
    // progress went to stderr, never to stdout
    expect(run.stderr).toContain(`execution ${execution.actionExecutionId}`);
  });

  it('without --wait answers the queued execution at once', async () => {
    const run = await json(['action', 'run', sandbox.actionId('Daily sales report')]);
    expect(run.code).toBe(code('success'));
    expect(run.document.execution).toMatchObject({ status: 'Queued', dateEnded: null });
    expect(run.document.package).toBeUndefined();
  });

  it('prints JSON when stdout is not a terminal, and readable text with --no-json', async () => {
    const actionId = sandbox.actionId('Daily sales report');
    const auto = await mindzie(['action', 'last', actionId], sandbox.env, work);
    expect(JSON.parse(auto.stdout).execution.actionId).toBe(actionId);
    const text = await mindzie(['action', 'last', actionId, '--no-json'], sandbox.env, work);
    expect(() => JSON.parse(text.stdout)).toThrow();
    expect(text.stdout).toMatch(/Status\s+│\s+\w+/);
  });

  it('exits execution-failed with the notes when the action fails', async () => {
    const run = await json(['action', 'run', sandbox.actionId('Nightly data import'), '--wait']);
    expect(run.code).toBe(code('execution-failed'));
    expect(run.document.error).toMatchObject({ code: 'execution-failed', exitCode: code('execution-failed') });
    expect(run.document.execution.status).toBe('Failed');
    expect(run.document.execution.notes).toMatch(/Data source connection failed/);
    expect(run.document.error.reason).toBe(run.document.execution.notes);
    expect(run.stderr).toContain(`Notes: ${run.document.execution.notes}`);
    // The next step and the resume command agree: a failed execution is shown, not waited for again.
    const id = run.document.execution.actionExecutionId;
    expect(run.document.error.next.command).toBe(`mindzie execution show ${id}`);
    expect(run.document.error.resume).toBe(run.document.error.next.command);
  });

  it('exits not-found when the action does not exist, and when it cannot create an execution', async () => {
    const missing = await json(['action', 'run', unknownGuid, '--wait']);
    expect(missing.code).toBe(code('not-found'));
    expect(missing.document.error).toMatchObject({ code: 'not-found', status: 404, reason: 'Action not found' });

    const refused = await json(['action', 'run', sandbox.actionId('Archived export')]);
    expect(refused.code).toBe(code('not-found'));
    expect(refused.document.error.reason).toBe("Action can't create execution");
  });

  it('refuses a --download that names a file, pointing to --output, before executing anything', async () => {
    const existing = join(work, 'existing.zip');
    await writeFile(existing, 'keep me');
    const before = (await sandbox.requests('executeAction')).length;
    const actionId = sandbox.actionId('Daily sales report');
    for (const path of [existing, join(work, 'new.zip')]) {
      const run = await json(['action', 'run', actionId, '--download', path]);
      expect(run.code).toBe(code('usage'));
      expect(run.document.error).toMatchObject({ code: 'usage', argument: '--download' });
      expect(run.document.error.message).toContain(`use --output ${path}`);
    }
    const taken = await json(['action', 'run', actionId, '--output', existing]);
    expect(taken.code).toBe(code('usage'));
    expect(taken.document.error.message).toContain('--overwrite');
    expect(await readFile(existing, 'utf8')).toBe('keep me');
    expect(await readdir(work)).not.toContain('new.zip');
    expect((await sandbox.requests('executeAction')).length).toBe(before);
  });

  it('--download DIR makes the folder and saves <executionId>.zip in it, a new file each run', async () => {
    const actionId = sandbox.actionId('Daily sales report');
    const saved: string[] = [];
    for (let run = 0; run < 2; run++) {
      const result = await json(['action', 'run', actionId, '--download', './nightly/out'], sandbox.env);
      expect(result.code, result.stderr).toBe(code('success'));
      const id = result.document.execution.actionExecutionId;
      expect(result.document.package.path).toBe(join(work, 'nightly', 'out', `${id}.zip`));
      saved.push(`${id}.zip`);
    }
    expect((await readdir(join(work, 'nightly', 'out'))).sort()).toEqual(saved.sort());
  });

  it('--output FILE saves the package to exactly that file', async () => {
    const file = join(work, 'single', 'report.zip');
    const run = await json(['action', 'run', sandbox.actionId('Daily sales report'), '--output', file]);
    expect(run.code, run.stderr).toBe(code('success'));
    expect(run.document.package.path).toBe(file);
    expect((await zipEntries(file)).sort()).toEqual(['logs/run.txt', 'sales.csv', 'summary.json']);
  });

  it('exits timed-out after --timeout, names the execution and how to resume', async () => {
    const run = await json(['action', 'run', sandbox.actionId('Full reprocessing'), '--wait', '--timeout', '1s']);
    expect(run.code).toBe(code('timed-out'));
    const id = run.document.execution.actionExecutionId;
    expect(run.document.error).toMatchObject({
      code: 'timed-out',
      executionId: id,
      resume: `mindzie execution wait ${id}`,
    });
    expect(run.stderr).toContain(`Resume with: mindzie execution wait ${id}`);
    // The poller's own next step, as it says it.
    expect(run.document.error.next).toEqual({
      executionCreated: true,
      executionId: id,
      safeToRunAgain: false,
      step: 'follow',
      command: `mindzie execution wait ${id}`,
      call: `waitForActionExecution(client, "${id}")`,
    });
  });
});

describe('mindzie action history / last', () => {
  it('lists the executions, newest included, as JSON and as a table', async () => {
    const actionId = sandbox.actionId('Daily sales report');
    const started = await json(['action', 'run', actionId]);
    const id = started.document.execution.actionExecutionId;

    const run = await json(['action', 'history', actionId]);
    expect(run.code).toBe(code('success'));
    expect(run.document.actionId).toBe(actionId);
    expect(run.document.items.map((item: { actionExecutionId: string }) => item.actionExecutionId)).toContain(id);

    const table = await mindzie(['action', 'executions', actionId, '--no-json'], sandbox.env);
    expect(table.code, table.stderr).toBe(code('success'));
    expect(table.stdout).toMatch(new RegExp(`│ ${id} │ \\w+ `));

    const last = await json(['action', 'last', actionId]);
    expect(last.document.execution.actionExecutionId).toBe(id);
  });

  it('answers null for an action without executions', async () => {
    const run = await json(['action', 'last', sandbox.actionId('Archived export')]);
    expect(run.code).toBe(code('success'));
    expect(run.document.execution).toBeNull();
  });
});

describe('mindzie execution', () => {
  it('shows one execution, waits for it and downloads its package; an unknown id is not-found', async () => {
    const started = await json(['action', 'run', sandbox.actionId('Daily sales report')]);
    const id = started.document.execution.actionExecutionId;

    const waited = await json(['execution', 'wait', id, '--timeout', '30s']);
    expect(waited.code).toBe(code('success'));
    expect(waited.document.execution).toMatchObject({ actionExecutionId: id, status: 'Completed' });

    const shown = await json(['execution', 'show', id]);
    expect(shown.document.execution).toEqual(waited.document.execution);

    const file = join(work, 'nested', 'report.zip');
    const downloaded = await json(['execution', 'download', id, '-o', file]);
    expect(downloaded.code).toBe(code('success'));
    expect(downloaded.document.package).toMatchObject({ path: file, filename: 'report.zip' });
    const served = new Uint8Array(await (await sandbox.api(`/actionexecution/downloadpackage/${id}`)).arrayBuffer());
    expect(await sha256(await readFile(file))).toBe(await sha256(served));

    const again = await json(['execution', 'download', id, '-o', file]);
    expect(again.code).toBe(code('usage'));
    const replaced = await json(['execution', 'download', id, '-o', file, '--overwrite']);
    expect(replaced.code).toBe(code('success'));

    const missing = await json(['execution', 'show', unknownGuid]);
    expect(missing.code).toBe(code('not-found'));
    expect(missing.document.error).toMatchObject({ code: 'not-found', status: 404 });
  });

  it('exits not-found for the package of an execution that failed, leaving no file', async () => {
    const failed = await json(['action', 'run', sandbox.actionId('Nightly data import'), '--wait']);
    const id = failed.document.execution.actionExecutionId;
    const folder = join(work, 'failed-package');
    const run = await json(['execution', 'download', id, '-o', `${folder}/`]);
    expect(run.code).toBe(code('not-found'));
    expect(await readdir(folder)).toEqual([]);
  });
});

describe('mindzie block', () => {
  it('runs a block with parameters, waits and shows its result', async () => {
    const blockId = sandbox.blockId('Revenue filter');
    const run = await json([
      'block',
      'run',
      blockId,
      '-p',
      'limit=10',
      '-p',
      'region=North',
      '--wait',
      '--timeout',
      '30s',
    ]);
    expect(run.code).toBe(code('success'));
    expect(run.document.execution).toMatchObject({ blockId, status: 'Success', result: { rowsProcessed: 15230 } });

    const results = await json(['block', 'results', blockId]);
    expect(results.document.executions.map((e: { executionId: string }) => e.executionId)).toContain(
      run.document.execution.executionId,
    );
  });

  it('queues a block without waiting, then follows it with block wait', async () => {
    const blockId = sandbox.blockId('Revenue filter');
    const queued = await json(['block', 'run', blockId]);
    expect(queued.code).toBe(code('success'));
    expect(queued.document.execution).toMatchObject({ blockId, status: 'Queued' });
    const id = queued.document.execution.executionId;

    const waited = await json(['block', 'wait', blockId, id, '--timeout', '30s']);
    expect(waited.code).toBe(code('success'));
    expect(waited.document.execution).toMatchObject({ executionId: id, status: 'Success' });
  });

  it('tells the user when a status check failed and carries on waiting', async () => {
    const blockId = sandbox.blockId('Revenue filter');
    await sandbox.injectFault({ operationId: 'getBlockResults', kind: 'status', status: 503 });
    // --no-reconcile: no read of the results before execute, so the fault meets the wait's first check.
    const run = await json(['block', 'run', blockId, '--wait', '--timeout', '30s', '--no-reconcile']);
    expect(run.code).toBe(code('success'));
    expect(run.stderr).toMatch(/check failed \(ServerError 503\); trying again/);
  });

  it('exits execution-failed with the error message of a failed block', async () => {
    const run = await json(['block', 'run', sandbox.blockId('Amount threshold alert'), '--wait']);
    expect(run.code).toBe(code('execution-failed'));
    expect(run.document.execution.errorMessage).toMatch(/Filter expression is invalid/);
    expect(run.stderr).toContain('Error: Filter expression is invalid');
  });

  it('exits other (UnsupportedError) when the server has no block history to wait on', async () => {
    const run = await json(['block', 'run', sandbox.blockId('Legacy server block'), '--wait']);
    expect(run.code).toBe(code('other'));
    expect(run.document.error.name).toBe('UnsupportedError');
    expect(run.document.error.executionId).toBe(run.document.execution.executionId);
  });

  it('rejects a --param without a key before sending anything', async () => {
    const run = await json(['block', 'run', sandbox.blockId('Revenue filter'), '-p', 'oops']);
    expect(run.code).toBe(code('usage'));
    expect(run.document.error.message).toContain('key=value');
  });
});

describe('block parameters on the wire', () => {
  it('sends each --param once, as JSON when the value parses and as text otherwise', async () => {
    // The sandbox does not echo parameters, so a plain HTTP server records the body.
    const bodies: unknown[] = [];
    const blockId = 'b0000000-0000-4000-8000-0000000000aa';
    const server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk));
      request.on('end', () => {
        bodies.push(JSON.parse(body));
        response.writeHead(202, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({
            blockId,
            executionId: 'c0000000-0000-4000-8000-0000000000aa',
            status: 'Queued',
            dateQueued: new Date().toISOString(),
            dateStarted: null,
            dateEnded: null,
            result: null,
            errorMessage: null,
            message: 'Block execution has been queued',
          }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const params = [
        '-p',
        'limit=10',
        '-p',
        'name=Q3 report',
        '-p',
        'tags=["a","b"]',
        '-p',
        'dryRun=true',
        '-p',
        'filter={"region":"North"}',
      ];
      // --no-reconcile: this server answers execute only (no results read before it).
      const run = await json(['block', 'run', blockId, ...params, '--no-reconcile'], {
        ...sandbox.env,
        MINDZIE_BASE_URL: `http://127.0.0.1:${port}`,
      });
      expect(run.code).toBe(code('success'));
      expect(bodies).toEqual([
        { parameters: { limit: 10, name: 'Q3 report', tags: ['a', 'b'], dryRun: true, filter: { region: 'North' } } },
      ]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('a server that answers null instead of an execution', () => {
  // The sandbox always answers executions: a plain HTTP server answers null where asked to.
  const actionId = 'a0000000-0000-4000-8000-0000000000aa';
  const executionId = 'e0000000-0000-4000-8000-0000000000aa';

  async function runAgainstNull(answersExecute: boolean) {
    const seen = { executes: 0, statusChecks: 0 };
    const server = createServer((request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      if (request.url?.includes('/action/execute/')) {
        seen.executes += 1;
        response.end(
          answersExecute
            ? JSON.stringify({
                actionId,
                actionExecutionId: executionId,
                dateStarted: null,
                dateEnded: null,
                status: 'Queued',
                notes: null,
              })
            : 'null',
        );
      } else if (request.url?.includes('/actionexecution/action/')) {
        response.end('{"items":[]}'); // the executions read before execute: none yet
      } else {
        seen.statusChecks += 1;
        response.end('null');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const run = await json(['action', 'run', actionId, '--wait', '--timeout', '20s'], {
        ...sandbox.env,
        MINDZIE_BASE_URL: `http://127.0.0.1:${port}`,
      });
      return { ...run, seen };
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  }

  it('exits other with an UnsupportedError in one JSON document when a status check answers null', async () => {
    const run = await runAgainstNull(true);
    expect(run.code).toBe(code('other'));
    expect(run.document.error).toMatchObject({ code: 'other', name: 'UnsupportedError', executionId });
    expect(run.document.error.message).toContain('is not an execution');
    expect(run.stderr).not.toMatch(/TypeError|Unhandled/);
    // one status check (the executions listed before execute are not counted)
    expect(run.seen).toEqual({ executes: 1, statusChecks: 1 });
  });

  it('exits other with an UnsupportedError, and says what to check, when execute answers null', async () => {
    const run = await runAgainstNull(false);
    expect(run.code).toBe(code('other'));
    expect(run.document.error).toMatchObject({ code: 'other', name: 'UnsupportedError' });
    expect(run.document.error.hint).toContain(`mindzie action last ${actionId}`);
    expect(run.stderr).not.toMatch(/TypeError/);
    expect(run.seen).toEqual({ executes: 1, statusChecks: 0 }); // only the executions listed before execute
  });
});

describe('settings and exit codes', () => {
  it('exits unauthorized for a refused token and never prints it', async () => {
    const token = 'wrong-token-4f1d9c';
    const run = await json(['action', 'last', sandbox.actionId('Daily sales report')], {
      ...sandbox.env,
      MINDZIE_TOKEN: token,
    });
    expect(run.code).toBe(code('unauthorized'));
    expect(run.document.error).toMatchObject({ code: 'unauthorized', status: 401 });
    expectNoTokenIn(run, token);
  });

  it('a refused token on action run says nothing was executed (401 before execute, 403 from a proxy)', async () => {
    const actionId = sandbox.actionId('Daily sales report');
    const before = (await sandbox.requests('executeAction')).length;
    const refused = await json(['action', 'run', actionId, '--wait'], { ...sandbox.env, MINDZIE_TOKEN: 'expired-1' });
    expect(refused.code).toBe(code('unauthorized'));
    expect(refused.document.error).toMatchObject({ code: 'unauthorized', status: 401, executionCreated: false });
    expect(refused.stderr).toContain('The server refused the token (401); nothing was executed.');
    expect((await sandbox.requests('executeAction')).length).toBe(before);

    // A proxy in front of the server that forbids the token: the sandbox answers no 403, so a node:http one does.
    const paths: string[] = [];
    const proxy = createServer((request, response) => {
      paths.push(request.url ?? '');
      response.writeHead(403, { 'content-type': 'text/plain' }).end('Forbidden');
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = proxy.address() as AddressInfo;
      const forbidden = await json(['action', 'run', actionId], {
        ...sandbox.env,
        MINDZIE_BASE_URL: `http://127.0.0.1:${port}`,
      });
      expect(forbidden.code).toBe(code('unauthorized'));
      expect(forbidden.document.error).toMatchObject({ status: 403, executionCreated: false });
      expect(forbidden.stderr).toContain('The server refused the token (403 Forbidden); nothing was executed.');
      expect(paths.filter((path) => path.includes('/execute/'))).toEqual([]);
    } finally {
      await new Promise((resolve) => proxy.close(resolve));
    }
  });

  it('names every missing setting at once and sends nothing', async () => {
    const before = (await sandbox.requests()).length;
    const { MINDZIE_TENANT_ID: _tenant, MINDZIE_TOKEN: _token, ...env } = sandbox.env;
    const run = await json(['action', 'history', sandbox.actionId('Daily sales report')], env);
    expect(run.code).toBe(code('usage'));
    expect(run.document.error).toMatchObject({ code: 'usage', name: 'MissingSettingError', argument: 'token' });
    expect(run.document.error.problems.map((p: { variable: string }) => p.variable)).toEqual([
      'MINDZIE_TOKEN',
      'MINDZIE_TENANT_ID',
    ]);
    expect(run.stderr).toContain('Missing settings (2):');
    expect(run.stderr).toContain('--token: not set (pass --token or set MINDZIE_TOKEN)');
    expect(run.stderr).toContain('--tenant-id: not set (pass --tenant-id or set MINDZIE_TENANT_ID)');
    expect((await sandbox.requests()).length).toBe(before);
  });

  it('lets flags win over the environment, and keeps a flag token out of the output', async () => {
    const token = 'flag-token-8d2e';
    const run = await json(['--token', token, 'action', 'last', sandbox.actionId('Daily sales report')]);
    expect(run.code).toBe(code('unauthorized'));
    expectNoTokenIn(run, token);
  });

  it('exits usage for a bad id, a bad duration and an unknown option, in JSON too', async () => {
    const badId = await json(['execution', 'show', 'not-a-guid']);
    expect(badId.code).toBe(code('usage'));
    expect(badId.document.error.argument).toBe('executionId');

    const badTimeout = await json(['execution', 'wait', unknownGuid, '--timeout', 'soon']);
    expect(badTimeout.code).toBe(code('usage'));

    const unknown = await json(['action', 'run', unknownGuid, '--frobnicate']);
    expect(unknown.code).toBe(code('usage'));
    expect(unknown.document.error.message).toContain('--frobnicate');
    expect(unknown.stderr).toContain('--frobnicate');
  });

  it.each([
    ['--tokn=eyJsecret-3c9f', "unknown option '--tokn=…'\n(Did you mean --token?)"],
    ['-teyJsecret-3c9f', "unknown option '-t…'"],
    ['-t=eyJsecret-3c9f', "unknown option '-t=…'"],
  ])('exits usage for an unknown option %s without printing its value', async (typed, message) => {
    for (const args of [
      ['action', 'run', unknownGuid, typed],
      [typed, 'action', 'last', unknownGuid],
    ]) {
      const run = await json(args);
      expect(run.code).toBe(code('usage'));
      expect(run.document.error.message).toBe(message);
      expect(run.stderr).toContain(`error: ${message}`);
      expectNoTokenIn(run, 'eyJsecret-3c9f');
    }
  });

  it.each(['0', '0.0001', '0.4ms', '600h'])(
    'refuses --timeout %s with exit usage before any execute is sent',
    async (timeout) => {
      const executes = async () =>
        (await sandbox.requests('executeAction')).length + (await sandbox.requests('executeBlock')).length;
      const before = await executes();
      const action = await json([
        'action',
        'run',
        sandbox.actionId('Daily sales report'),
        '--wait',
        '--timeout',
        timeout,
      ]);
      expect(action.code).toBe(code('usage'));
      expect(action.document.error).toMatchObject({ code: 'usage', argument: '--timeout' });
      const block = await json(['block', 'run', sandbox.blockId('Revenue filter'), '--wait', '--timeout', timeout]);
      expect(block.code).toBe(code('usage'));
      expect(await executes()).toBe(before);
    },
  );

  it('exits other when the server cannot be reached', async () => {
    const run = await json(['action', 'last', sandbox.actionId('Daily sales report')], {
      ...sandbox.env,
      MINDZIE_BASE_URL: 'http://127.0.0.1:9',
    });
    expect(run.code).toBe(code('other'));
    expect(run.document.error.name).toBe('NetworkError');
  });
});

describe('Ctrl-C while waiting', () => {
  const executesOf = async (actionId: string) =>
    (await sandbox.requests('executeAction')).filter((r) => r.path.endsWith(`/action/execute/${actionId}`)).length;

  it('stops cleanly, names the execution and sends execute exactly once', async () => {
    const actionId = sandbox.actionId('Full reprocessing');
    const executes = () => executesOf(actionId);
    const before = await executes();
    const running = startMindzie(['action', 'run', actionId, '--wait', '--json'], sandbox.env, work);
    const [, id] = await running.stderrMatches(/execution ([0-9a-f-]{36}) is Queued/);
    // at least one check answered: the wait is under way
    await running.stderrMatches(/: Running \(elapsed/);
    running.child.kill('SIGINT');
    const run = await running.done;

    expect(run.code).toBe(code('interrupted'));
    expect(JSON.parse(run.stdout).error).toMatchObject({
      code: 'interrupted',
      executionId: id,
      resume: `mindzie execution wait ${id}`,
    });
    expect(run.stderr).toContain(`stopped waiting for execution ${id}`);
    expect(await executes()).toBe(before + 1);
    // not cancelled: the execution is still there and still going
    const after = (await (await sandbox.api(`/actionexecution/${id}`)).json()) as { status: string };
    expect(['Queued', 'Running']).toContain(after.status);
  });

  it('during the execute request still reads the answer, then names the new execution', async () => {
    const actionId = sandbox.actionId('Full reprocessing');
    const before = await executesOf(actionId);
    await sandbox.injectFault({ operationId: 'executeAction', kind: 'latency', ms: 1_000 });
    const running = startMindzie(['action', 'run', actionId, '--wait', '--json'], sandbox.env, work);
    // the request has arrived and has no answer yet
    for (let seen = 0; seen === 0; ) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      seen = (await sandbox.requests('executeAction')).filter(
        (r) => r.path.endsWith(actionId) && r.status === null,
      ).length;
    }
    running.child.kill('SIGINT');
    const run = await running.done;

    expect(run.code).toBe(code('interrupted'));
    const { error } = JSON.parse(run.stdout);
    expect(error.executionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await executesOf(actionId)).toBe(before + 1);
    // it stopped without waiting: the new execution was never polled
    const polls = (await sandbox.requests('getActionExecution')).filter((r) => r.path.endsWith(error.executionId));
    expect(polls).toEqual([]);
  });
});

describe('Ctrl-C while downloading', () => {
  it('stops, leaves no file behind and says how to download again', async () => {
    const actionId = sandbox.actionId('Large export');
    const folder = join(work, 'interrupted-download');
    await sandbox.injectFault({ operationId: 'downloadActionExecutionPackage', kind: 'stall' });
    const running = startMindzie(['action', 'run', actionId, '--download', `${folder}/`, '--json'], sandbox.env, work);
    await running.stderrMatches(/Downloading /);
    running.child.kill('SIGINT');
    const run = await running.done;

    expect(run.code).toBe(code('interrupted'));
    const { error, execution } = JSON.parse(run.stdout);
    expect(execution.status).toBe('Completed');
    expect(error).toMatchObject({
      code: 'interrupted',
      resume: `mindzie execution download ${execution.actionExecutionId}`,
    });
    expect(await readdir(folder)).toEqual([]);
    // Ctrl-C may come before the download request reached the sandbox: its stall must not reach the next test.
    await sandbox.clearFaults();
  });
});

describe('a lost execute answer', () => {
  beforeEach(() => sandbox.clearFaults());

  const executesOf = async (actionId: string) =>
    (await sandbox.requests('executeAction')).filter((r) => r.path.endsWith(`/action/execute/${actionId}`)).length;

  it('is found in the history when execute ran (a cut 200 body): carries on, saves the package, says so', async () => {
    const actionId = sandbox.actionId('Daily sales report');
    const folder = join(work, 'adopted');
    const before = await executesOf(actionId);
    await sandbox.injectFault({ operationId: 'executeAction', kind: 'truncate', afterBytes: 40, length: 'cut' });
    const run = await json(['action', 'run', actionId, '--download', `${folder}/`]);
    expect(run.code).toBe(code('success'));
    const { execution, adopted, recoveredFrom } = run.document;
    expect([execution.status, adopted, recoveredFrom.name]).toEqual(['Completed', true, 'ApiError']);
    expect(await readdir(folder)).toEqual([`${execution.actionExecutionId}.zip`]);
    expect(run.stderr).toContain(`its execution ${execution.actionExecutionId} was found in the action's history`);
    expect(await executesOf(actionId)).toBe(before + 1);
    expectNoTokenIn(run, sandbox.token);
  });

  it('says "most likely not created" when execute never ran and running again is reasonable (exit other)', async () => {
    const actionId = sandbox.actionId('Daily sales report');
    const before = await executesOf(actionId);
    const historyBefore = (
      (await (await sandbox.api(`/actionexecution/action/${actionId}`)).json()) as { items: unknown[] }
    ).items.length;
    await sandbox.injectFault({ operationId: 'executeAction', kind: 'status', status: 503 });
    const run = await json(['action', 'run', actionId, '--wait', '--reconcile-window', '1s']);
    expect(run.code).toBe(code('other'));
    expect(run.document.error).toMatchObject({
      name: 'ExecutionNotCreatedError',
      executionCreated: false,
      safeToRunAgain: true,
      candidates: [],
      check: `mindzie action history ${actionId}`,
    });
    expect(run.document.error.lookedForMs).toBeGreaterThanOrEqual(1_000);
    expect(run.document.error.hint).toContain('reasonable to run it again');
    expect(run.stderr).toContain('it was most likely NOT created');
    expect(await executesOf(actionId)).toBe(before + 1);
    const historyAfter = (
      (await (await sandbox.api(`/actionexecution/action/${actionId}`)).json()) as { items: unknown[] }
    ).items.length;
    expect(historyAfter).toBe(historyBefore);
    expectNoTokenIn(run, sandbox.token);
  });

  it('adopts nothing when two new executions appear, lists both and exits outcome-unknown', async () => {
    const actionId = sandbox.actionId('Large export');
    // Our execute is held 3 s by the sandbox, then its answer is lost; meanwhile another client runs the action.
    await sandbox.injectFault({ operationId: 'executeAction', kind: 'latency', ms: 3_000 });
    await sandbox.injectFault({ operationId: 'executeAction', kind: 'reset', phase: 'after' });
    const running = startMindzie(
      ['action', 'run', actionId, '--wait', '--json', '--reconcile-window', '2s'],
      sandbox.env,
      work,
    );
    for (let held = 0; held === 0; ) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      held = (await sandbox.requests('executeAction')).filter(
        (r) => r.path.endsWith(actionId) && r.status === null,
      ).length;
    }
    const other = (await (await sandbox.api(`/action/execute/${actionId}`)).json()) as { actionExecutionId: string };
    const run = await running.done;
    expect(run.code).toBe(code('outcome-unknown'));
    const { error } = JSON.parse(run.stdout);
    expect(error).toMatchObject({
      code: 'outcome-unknown',
      exitCode: 7,
      name: 'ExecuteOutcomeUnknownError',
      why: 'several-candidates',
      executionCreated: 'unknown',
      safeToRunAgain: false,
    });
    expect(error.candidates).toHaveLength(2);
    expect(error.candidates.map((c: { actionExecutionId: string }) => c.actionExecutionId)).toContain(
      other.actionExecutionId,
    );
    expect(error.hint).toContain(`mindzie action history ${actionId}`);
    expect(run.stderr).toContain('none was adopted');
    for (const candidate of error.candidates) {
      expect(run.stderr).toContain(`candidate ${candidate.actionExecutionId}`);
    }
    // Nothing was followed: no status check of either.
    const polls = (await sandbox.requests('getActionExecution')).filter((r) =>
      error.candidates.some((c: { actionExecutionId: string }) => r.path.endsWith(c.actionExecutionId)),
    );
    expect(polls).toEqual([]);
    expectNoTokenIn(run, sandbox.token);
  });

  it('with --no-reconcile, is not searched: exit outcome-unknown with the command to check', async () => {
    const actionId = sandbox.actionId('Daily sales report');
    const before = await executesOf(actionId);
    const historyReads = (await sandbox.requests('listActionExecutions')).length;
    await sandbox.injectFault({ operationId: 'executeAction', kind: 'reset', phase: 'after' });
    const run = await json(['action', 'run', actionId, '--wait', '--no-reconcile']);
    expect(run.code).toBe(code('outcome-unknown'));
    expect(run.document.error).toMatchObject({
      name: 'ExecuteOutcomeUnknownError',
      why: 'reconcile-off',
      check: `mindzie action history ${actionId}`,
    });
    expect(run.document.error.hint).toContain('Do not run it again before checking');
    expect(run.stderr).toContain('--no-reconcile');
    expect(await executesOf(actionId)).toBe(before + 1);
    expect((await sandbox.requests('listActionExecutions')).length).toBe(historyReads);
  });

  it('a failure after the execution exists names it and how to carry on, in --json too', async () => {
    const actionId = sandbox.actionId('Large export');
    await sandbox.injectFault({ operationId: 'downloadActionExecutionPackage', kind: 'status', status: 503, times: 3 });
    const run = await json(['action', 'run', actionId, '--download', `${join(work, 'unsaved')}/`]);
    expect(run.code).toBe(code('other'));
    const { error } = run.document;
    expect(error).toMatchObject({
      name: 'ServerError',
      executionCreated: true,
      resume: `mindzie execution download ${error.executionId}`,
    });
    expect(run.stderr).toContain(`carry on with: mindzie execution download ${error.executionId}`);
  });

  const blockExecutes = async (blockId: string) =>
    (await sandbox.requests('executeBlock')).filter((r) => r.path.includes(`/block/${blockId}/`)).length;

  it("is found in a block's results when execute queued it: block run carries on and says so", async () => {
    const blockId = sandbox.blockId('Revenue filter');
    const before = await blockExecutes(blockId);
    await sandbox.injectFault({ operationId: 'executeBlock', kind: 'reset', phase: 'after' });
    const run = await json(['block', 'run', blockId, '--wait', '--reconcile-window', '2s']);
    expect(run.code).toBe(code('success'));
    expect(run.document).toMatchObject({ adopted: true, execution: { status: 'Success' } });
    expect(run.stderr).toContain("was found in the block's results");
    expect(await blockExecutes(blockId)).toBe(before + 1);
    expectNoTokenIn(run, sandbox.token);
  });

  it('cannot be checked on a server without block history: exit outcome-unknown, says why and what to do', async () => {
    const blockId = sandbox.blockId('Legacy server block');
    const before = await blockExecutes(blockId);
    await sandbox.injectFault({ operationId: 'executeBlock', kind: 'status', status: 503, phase: 'after' });
    const run = await json(['block', 'run', blockId]);
    expect(run.code).toBe(code('outcome-unknown'));
    expect(run.document.error).toMatchObject({
      name: 'ExecuteOutcomeUnknownError',
      why: 'history-unsupported',
      blockId,
      executionCreated: 'unknown',
      check: null,
      next: { executionCreated: 'unknown', safeToRunAgain: false, step: 'check' },
    });
    expect(run.document.error.hint).toContain('mindzieStudio');
    expect(run.stderr).toContain('this server keeps no block history');
    expect(await blockExecutes(blockId)).toBe(before + 1);
    expectNoTokenIn(run, sandbox.token);
  });
});

describe('at 80 columns', () => {
  /** mindzie in-process (no process to start) with COLUMNS=80 and stdout, stderr not terminals. */
  async function at80(args: string[], env: Record<string, string | undefined> = sandbox.env) {
    let stdout = '';
    let stderr = '';
    const io = {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
      env: { ...env, COLUMNS: '80' },
      cwd: work,
    };
    const exit = await runCli(args, io);
    return { code: exit, stdout, stderr };
  }
  const tooWide = (text: string) => text.split('\n').filter((line) => stripVTControlCharacters(line).length > 80);

  it('history (with notes), show, every --help and errors keep every line within 80 columns', async () => {
    const actionId = sandbox.actionId('Nightly data import'); // fails, with notes
    const failed = await at80(['action', 'run', actionId, '--wait', '--no-json']);
    expect(failed.code, failed.stderr).toBe(code('execution-failed'));
    const id = /execution ([0-9a-f-]{36})/.exec(failed.stderr)![1]!;
    const history = await at80(['action', 'history', actionId, '--no-json']);
    expect(history.code).toBe(code('success'));
    // gh-style plain columns (the boxed rows would be over 110 columns), the notes under their row
    expect(history.stdout).not.toContain('│');
    expect(history.stdout).toMatch(new RegExp(`^${id}  +Failed  +\\d{4}-`, 'm'));
    expect(history.stdout).toMatch(/^ {4}Data source connection failed/m);
    const limited = await at80(['action', 'history', actionId, '--limit', '1']);
    expect(JSON.parse(limited.stdout)).toMatchObject({ items: [{ actionExecutionId: id }] });
    expect(JSON.parse(limited.stdout).total).toBeGreaterThanOrEqual(1);

    const helps = [
      [],
      ...['action run', 'action history', 'action last', 'execution show', 'execution wait', 'execution download'],
      ...['block run', 'block wait', 'block results'],
    ].map((command) => (Array.isArray(command) ? command : command.split(' ')));
    type Run = Awaited<ReturnType<typeof at80>>;
    const runs: Record<string, Run> = {
      failed,
      history,
      show: await at80(['execution', 'show', id, '--no-json']),
      refused: await at80(['action', 'run', actionId, '--no-json'], { ...sandbox.env, MINDZIE_TOKEN: 'refused' }),
      missing: await at80(['action', 'history', actionId, '--no-json'], {}),
      usage: await at80(['action', 'run', actionId, '--download', 'out.zip', '--no-json']),
      ...Object.fromEntries(
        await Promise.all(
          helps.map(async (command) => [`help ${command.join(' ')}`, await at80([...command, '--help'])]),
        ),
      ),
    };
    for (const [name, run] of Object.entries(runs)) {
      expect(tooWide(run.stdout + run.stderr), name).toEqual([]);
    }
    expect(runs.show!.stdout).toContain(id);
    expect(runs.refused!.stderr).toContain('nothing was executed');
    expect(runs.missing!.stderr).toContain('MINDZIE_BASE_URL');
    for (const command of helps.slice(1)) {
      expect(runs[`help ${command.join(' ')}`]!.stdout, command.join(' ')).toMatch(/^Examples:\n {2}mindzie /m);
    }
    expect(runs['help ']!.stdout).toMatch(/^Exit codes:$/m);
  });
});

describe('off a terminal', () => {
  it('prints a status line every heartbeat while the execution runs, however far apart the checks', async () => {
    await sandbox.clearFaults();
    // The wait's first check answers 503 asking for ten minutes: no other check comes for the rest of the test, so
    // every line after it comes from the CLI's own timer (MINDZIE_HEARTBEAT, 60 s by default, 300 ms here).
    await sandbox.injectFault({ operationId: 'getActionExecution', kind: 'status', status: 503, retryAfter: 600 });
    const checked = async () => (await sandbox.requests()).filter((r) => r.operationId === 'getActionExecution');
    const before = (await checked()).length;
    const running = startMindzie(
      ['action', 'run', sandbox.actionId('Full reprocessing'), '--wait', '--timeout', '1h', '--json'],
      { ...sandbox.env, MINDZIE_HEARTBEAT: '300ms' },
      work,
    );
    try {
      const heartbeats = /check failed \(ServerError 503\)[^\n]*\n((?:[^\n]*: still \w+ \(elapsed [^\n]*\n){3})/;
      const [, lines] = await running.stderrMatches(heartbeats);
      expect(lines!.trim().split('\n')).toHaveLength(3);
      expect((await checked()).length).toBe(before + 1); // one check, three lines
    } finally {
      running.child.kill('SIGINT');
    }
    const run = await running.done;
    await sandbox.clearFaults();
    expect(run.code).toBe(code('interrupted'));
    expect(JSON.parse(run.stdout).error).toMatchObject({ code: 'interrupted' }); // --json: still one document
    expect(run.stderr).not.toContain('next check in');
  });
});
