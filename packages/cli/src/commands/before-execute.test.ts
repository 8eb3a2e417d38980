// What `action run` and `block run` settle before execute is sent: execute creates an
// execution every time, so a bad wait option or a Ctrl-C must stop the run before it.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError } from '@mindzie/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InterruptedError } from '../errors.js';
import { type SandboxProcess, startSandboxProcess } from '../test-support/sandbox.js';
import { actionRun } from './action.js';
import { blockRun } from './block.js';
import { commandContext, type RunState } from './context.js';

let sandbox: SandboxProcess;
let work: string;

beforeAll(async () => {
  sandbox = await startSandboxProcess(10);
  work = await mkdtemp(join(tmpdir(), 'mindzie-before-execute-'));
});

afterAll(async () => {
  await sandbox?.stop();
  if (work) {
    await rm(work, { recursive: true, force: true });
  }
});

/** A command context on the sandbox, in-process, with its own signal. */
function context(signal: AbortSignal) {
  const quiet = { write: () => true };
  return commandContext(
    { stdout: quiet, stderr: quiet, env: sandbox.env, cwd: work },
    {} as RunState,
    { json: true },
    signal,
  );
}

const executes = async () =>
  (await sandbox.requests('executeAction')).length + (await sandbox.requests('executeBlock')).length;

describe('before execute is sent', () => {
  it('runs the poller checks of the wait options, so a bad one never follows an execute', async () => {
    // Values --timeout no longer lets through, given directly: the check itself is what is tested.
    const before = await executes();
    for (const timeout of [0, 2_147_483_648, Number.NaN]) {
      const signal = new AbortController().signal;
      const fromAction = await actionRun(context(signal), sandbox.actionId('Daily sales report'), {
        wait: true,
        timeout,
      }).catch((e: unknown) => e);
      expect(fromAction, String(timeout)).toBeInstanceOf(InvalidArgumentError);
      expect((fromAction as InvalidArgumentError).argument).toBe('timeoutMs');
      const fromDownload = await actionRun(context(signal), sandbox.actionId('Daily sales report'), {
        download: true,
        timeout,
      }).catch((e: unknown) => e);
      expect(fromDownload, String(timeout)).toBeInstanceOf(InvalidArgumentError);
      const fromBlock = await blockRun(context(signal), sandbox.blockId('Revenue filter'), {
        wait: true,
        timeout,
      }).catch((e: unknown) => e);
      expect(fromBlock, String(timeout)).toBeInstanceOf(InvalidArgumentError);
    }
    expect(await executes()).toBe(before);
  });

  it('stops at a Ctrl-C before execute (e.g. while the download folder was made), executing nothing', async () => {
    const before = await executes();
    const interrupted = AbortSignal.abort(new Error('Interrupted (Ctrl-C)'));
    const download = `${join(work, 'never', 'made-for-nothing')}/`;
    const fromAction = await actionRun(context(interrupted), sandbox.actionId('Daily sales report'), {
      download,
    }).catch((e: unknown) => e);
    expect(fromAction).toBeInstanceOf(InterruptedError);
    expect((fromAction as InterruptedError).executionId).toBeUndefined();
    const fromBlock = await blockRun(context(interrupted), sandbox.blockId('Revenue filter'), {}).catch(
      (e: unknown) => e,
    );
    expect(fromBlock).toBeInstanceOf(InterruptedError);
    expect(await executes()).toBe(before);
  });

  it('still executes and waits with valid options and no Ctrl-C', async () => {
    const before = await executes();
    await actionRun(context(new AbortController().signal), sandbox.actionId('Daily sales report'), {
      wait: true,
      timeout: 30_000,
    });
    expect(await executes()).toBe(before + 1);
  });
});
