import { describe, expect, it } from 'vitest';
import * as cli from './index.js';

describe('the public surface of @mindzie/cli', () => {
  it('is runCli, the exit code table and the CLI error classes, nothing else', () => {
    expect(Object.keys(cli).sort()).toEqual([
      'InterruptedError',
      'MissingSettingError',
      'UsageError',
      'exitCodes',
      'runCli',
    ]);
  });

  it('runs a command in-process and answers its exit code without touching process.exit', async () => {
    let stdout = '';
    let stderr = '';
    const code = await cli.runCli(['action', 'last', 'a0000000-0000-4000-8000-000000000001', '--json'], {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
      env: {},
    });
    expect(code).toBe(2);
    expect(JSON.parse(stdout).error).toMatchObject({ code: 'usage', argument: 'baseUrl' });
    expect(stderr).toContain('MINDZIE_BASE_URL');
  });
});
