import { readFileSync } from 'node:fs';
import {
  ApiError,
  InvalidArgumentError,
  MindzieError,
  NetworkError,
  NotFoundError,
  RateLimitError,
  ServerError,
  TimeoutError,
  UnauthorizedError,
} from '@mindzie/client';
import { ExecutionFailedError, UnsupportedError, WaitTimeoutError } from '@mindzie/poller';
import { describe, expect, it } from 'vitest';
import { InterruptedError, MissingSettingError, UsageError } from './errors.js';
import { exitCodes, exitRowFor } from './exit-codes.js';
import { runCli } from './run.js';

const request = { method: 'GET', path: '/api/t/p/actionexecution/x' };
const api = { status: 500, body: 'x', request };
const failed = {
  actionId: 'a0000000-0000-4000-8000-000000000002',
  actionExecutionId: 'e0000000-0000-4000-8000-000000000009',
  dateStarted: '2024-01-16T10:30:00Z',
  dateEnded: '2024-01-16T10:30:02Z',
  status: 'Failed' as const,
  notes: 'Data source connection failed',
};

describe('the exit code table', () => {
  it('gives every outcome its own number', () => {
    const codes = exitCodes.map((row) => row.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(exitCodes.map((row) => row.name)).toEqual(
      expect.arrayContaining(['success', 'execution-failed', 'timed-out', 'not-found', 'unauthorized', 'usage', 'other']),
    );
  });

  it.each([
    ['UnauthorizedError', new UnauthorizedError('no', { ...api, status: 401 }), 'unauthorized'],
    ['NotFoundError', new NotFoundError('gone', { ...api, status: 404, reason: 'Execution not found' }), 'not-found'],
    ['InvalidArgumentError', new InvalidArgumentError('actionId', 'not a GUID'), 'usage'],
    ['UsageError', new UsageError('--timeout', 'bad'), 'usage'],
    ['MissingSettingError', new MissingSettingError('token', '--token', 'MINDZIE_TOKEN'), 'usage'],
    ['ExecutionFailedError', new ExecutionFailedError(failed), 'execution-failed'],
    ['WaitTimeoutError', new WaitTimeoutError(1_000, undefined), 'timed-out'],
    ['TimeoutError', new TimeoutError('slow'), 'timed-out'],
    ['InterruptedError', new InterruptedError(failed.actionExecutionId, undefined), 'interrupted'],
    ['UnsupportedError', new UnsupportedError('no history'), 'other'],
    ['ServerError', new ServerError('boom', api), 'other'],
    ['RateLimitError', new RateLimitError('slow down', { ...api, status: 429 }), 'other'],
    ['ApiError', new ApiError('odd', { ...api, status: 418 }), 'other'],
    ['NetworkError', new NetworkError('refused'), 'other'],
    ['MindzieError', new MindzieError('?'), 'other'],
    ['a plain Error', new Error('bug'), 'other'],
  ])('maps %s to %s', (_label, error, name) => {
    expect(exitRowFor(error).name).toBe(name);
  });

  it('is the table the README documents, row for row', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const documented = [...readme.matchAll(/^\| (\d+) \| `([a-z-]+)` \| (.+) \|$/gm)].map(([, code, name, meaning]) => ({ code: Number(code), name, meaning }));
    expect(documented).toEqual(exitCodes.map(({ code, name, meaning }) => ({ code, name, meaning })));
  });

  it('is printed by --help', async () => {
    let stdout = '';
    const code = await runCli(['--help'], { stdout: { write: (text: string) => (stdout += text) }, stderr: { write: () => true }, env: {} });
    expect(code).toBe(0);
    for (const row of exitCodes) expect(stdout).toMatch(new RegExp(`^\\s+${row.code}\\s+${row.name}\\s`, 'm'));
    expect(stdout).toContain('MINDZIE_TOKEN');
  });
});
