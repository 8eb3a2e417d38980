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
      expect.arrayContaining([
        'success',
        'execution-failed',
        'timed-out',
        'not-found',
        'unauthorized',
        'usage',
        'other',
      ]),
    );
  });

  it.each([
    ['UnauthorizedError', 'unauthorized', new UnauthorizedError('no', { ...api, status: 401 })],
    ['NotFoundError', 'not-found', new NotFoundError('gone', { ...api, status: 404, reason: 'Execution not found' })],
    ['InvalidArgumentError', 'usage', new InvalidArgumentError('actionId', 'not a GUID')],
    ['UsageError', 'usage', new UsageError('--timeout', 'bad')],
    [
      'MissingSettingError',
      'usage',
      new MissingSettingError([
        { setting: 'token', variable: 'MINDZIE_TOKEN', source: 'none', problem: 'missing', expected: 'a token' },
      ]),
    ],
    ['ExecutionFailedError', 'execution-failed', new ExecutionFailedError(failed)],
    ['WaitTimeoutError', 'timed-out', new WaitTimeoutError(1_000, undefined)],
    ['TimeoutError', 'timed-out', new TimeoutError('slow')],
    ['InterruptedError', 'interrupted', new InterruptedError(failed.actionExecutionId, undefined)],
    ['UnsupportedError', 'other', new UnsupportedError('no history')],
    ['ServerError', 'other', new ServerError('boom', api)],
    ['RateLimitError', 'other', new RateLimitError('slow down', { ...api, status: 429 })],
    ['ApiError', 'other', new ApiError('odd', { ...api, status: 418 })],
    ['NetworkError', 'other', new NetworkError('refused')],
    ['MindzieError', 'other', new MindzieError('?')],
    ['a plain Error', 'other', new Error('bug')],
  ])('maps %s to %s', (_label, name, error) => {
    expect(exitRowFor(error).name).toBe(name);
  });

  it('is the table the README documents, row for row', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const documented = [...readme.matchAll(/^\| (\d+) \| `([a-z-]+)` \| (.+) \|$/gm)].map(
      ([, code, name, meaning]) => ({ code: Number(code), name, meaning }),
    );
    expect(documented).toEqual(exitCodes.map(({ code, name, meaning }) => ({ code, name, meaning })));
  });

  it('is summed up, code for code, in the root README', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const sentence = readme.slice(readme.indexOf('Exit codes (also in `mindzie --help`)'));
    const listed = [...sentence.slice(0, sentence.indexOf('\n\n')).matchAll(/`(\d+)`/g)].map(([, n]) => Number(n));
    expect(listed).toEqual(exitCodes.map((row) => row.code).sort((a, b) => a - b));
  });

  it('is printed by --help', async () => {
    let stdout = '';
    const code = await runCli(['--help'], {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: () => true },
      env: {},
    });
    expect(code).toBe(0);
    for (const row of exitCodes) {
      expect(stdout).toMatch(new RegExp(`^\\s+${row.code}\\s+${row.name}\\s`, 'm'));
    }
    expect(stdout).toContain('MINDZIE_TOKEN');
  });
});
