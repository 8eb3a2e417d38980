// The built CLI (bin/mindzie-sandbox.js → dist/cli.js), as users and scripts run it.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../bin/mindzie-sandbox.js', import.meta.url));
let child: ChildProcessWithoutNullStreams | undefined;
afterEach(() => {
  if (child && child.exitCode === null) {
    child.kill('SIGKILL');
  }
  child = undefined;
});

function start(...args: string[]) {
  child = spawn(process.execPath, [bin, ...args]);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const firstLine = new Promise<string>((resolve, reject) => {
    child!.stdout.on('data', () => stdout.includes('\n') && resolve(stdout.slice(0, stdout.indexOf('\n'))));
    child!.once('exit', (code) => reject(new Error(`exited with ${code}: ${stderr}`)));
  });
  firstLine.catch(() => {}); // a test that expects an early exit awaits `exit` instead
  const exit = once(child, 'exit').then(([code, signal]) =>
    code === null ? `${signal}: ${stderr}` : (code as number),
  );
  return { child, firstLine, exit, output: () => ({ stdout, stderr }) };
}

// Each test starts Node processes that load the sandbox: seconds each on a loaded 2-core machine.
describe('mindzie-sandbox', { timeout: 60_000 }, () => {
  it('with --json prints exactly one JSON object on the first line, serves it, and stops on SIGTERM', async () => {
    const run = start('--json', '--port', '0', '--time-scale', '60');
    const info = JSON.parse(await run.firstLine);
    expect(Object.keys(info)).toEqual(
      expect.arrayContaining(['baseUrl', 'token', 'tenantId', 'projectId', 'actions', 'blocks']),
    );
    expect(info.actions[0]).toEqual(
      expect.objectContaining({ actionId: expect.any(String), name: expect.any(String), outcome: 'Completed' }),
    );
    expect(info.blocks[0]).toEqual(
      expect.objectContaining({ blockId: expect.any(String), name: expect.any(String), outcome: 'Success' }),
    );
    expect(info.actions.find((action: { name: string }) => action.name === 'Full reprocessing').durationMs).toBe(
      10_000,
    );

    const response = await fetch(
      `${info.baseUrl}/api/${info.tenantId}/${info.projectId}/actionexecution/action/${info.actions[0].actionId}`,
      {
        headers: { authorization: `Bearer ${info.token}` },
      },
    );
    expect(response.status).toBe(200);

    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
    expect(run.output().stdout.trim().split('\n')).toHaveLength(1);
  });

  it('without --json prints what a user needs to point a client at it, and stops on SIGINT', async () => {
    const run = start('--port', '0');
    await run.firstLine;
    await expect.poll(() => run.output().stdout).toMatch(/Press Ctrl\+C/);
    const { stdout } = run.output();
    for (const text of ['base URL', 'token', 'tenant id', 'project id', 'Daily sales report', 'Legacy server block']) {
      expect(stdout).toContain(text);
    }
    // Lines to paste into a shell, at the start of a line (the names are kept in step by the client's test).
    const exports = stdout.split('\n').filter((line) => line.startsWith('export '));
    expect(exports.map((line) => /^export (\w+)=/.exec(line)?.[1])).toEqual([
      'MINDZIE_BASE_URL',
      'MINDZIE_TOKEN',
      'MINDZIE_TENANT_ID',
      'MINDZIE_PROJECT_ID',
    ]);
    expect(exports[0]).toMatch(/^export MINDZIE_BASE_URL=http:\/\/127\.0\.0\.1:\d+$/);
    run.child.kill('SIGINT');
    expect(await run.exit).toBe(0);
  });

  it('refuses bad options with a message and exit code 2', async () => {
    const run = start('--port', 'eighty');
    expect(await run.exit).toBe(2);
    expect(run.output().stderr).toMatch(/--port needs a number/);
    const unknown = start('--verbose');
    expect(await unknown.exit).toBe(2);
    expect(unknown.output().stderr).toMatch(/Unknown option '--verbose'/);
  });

  it('fails to start with a clear message for a missing fixture file', async () => {
    const run = start('--fixture', '/nonexistent/fixture.json');
    expect(await run.exit).toBe(1);
    expect(run.output().stderr).toMatch(/could not start: .*ENOENT/);
  });

  it('with --cors-origin lets that origin read answers from a browser', async () => {
    const origin = 'http://app.localhost:5173';
    const run = start('--json', '--cors-origin', origin);
    const info = JSON.parse(await run.firstLine);
    const apiRoot = `${info.baseUrl}/api/${info.tenantId}/${info.projectId}`;
    const listUrl = `${apiRoot}/actionexecution/action/${info.actions[0].actionId}`;
    const response = await fetch(listUrl, { headers: { origin, authorization: `Bearer ${info.token}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(origin);
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
    const bad = start('--cors-origin', 'not an origin');
    expect(await bad.exit).toBe(1);
    expect(bad.output().stderr).toMatch(/corsOrigin must be \* or an origin/);
  });
});
