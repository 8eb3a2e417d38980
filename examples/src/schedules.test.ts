// The schedule files beside the nightly job, checked by the validators their platforms use
// where one installs here: the workflow against GitHub's workflow schema (@action-validator/core),
// the systemd units by `systemd-analyze verify` (Debian's systemd), the cron line by cron-parser.
// Each also names the job as it is: the same script, the same daily time, the same settings.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { validateWorkflow } from '@action-validator/core';
import { CronExpressionParser } from 'cron-parser';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const folder = join(import.meta.dirname, '..', 'nightly');
const read = (name: string) => readFileSync(join(folder, name), 'utf8');
const settings = ['MINDZIE_BASE_URL', 'MINDZIE_TOKEN', 'MINDZIE_TENANT_ID', 'MINDZIE_PROJECT_ID', 'NIGHTLY_ACTION_ID'];
/** The next run after noon on a day, in UTC: every schedule runs the job at 02:30 the next day. */
const after = new Date('2026-03-10T12:00:00Z');
const nextRun = '2026-03-11T02:30:00.000Z';

describe('the GitHub Actions workflow', () => {
  const text = read('github-actions.yml');

  it("is valid against GitHub's workflow schema", () => {
    const state = validateWorkflow(text);
    expect(state.errors).toEqual([]);
  });

  it('the validator does reject a workflow with a misspelt key', () => {
    const state = validateWorkflow(text.replace('runs-on:', 'run-on:'));
    expect(state.errors.length).toBeGreaterThan(0);
  });

  it('runs node nightly.mjs daily at 02:30 UTC with every setting, the token from secrets', () => {
    const workflow = parse(text);
    const [{ cron }] = workflow.on.schedule;
    expect(CronExpressionParser.parse(cron, { currentDate: after, tz: 'UTC' }).next().toISOString()).toBe(nextRun);
    const step = workflow.jobs.run.steps.find((s: { run?: string }) => s.run === 'node nightly.mjs');
    expect(Object.keys(step.env)).toEqual(expect.arrayContaining(settings));
    expect(step.env.MINDZIE_TOKEN).toBe(['${{', 'secrets.MINDZIE_TOKEN', '}}'].join(' ')); // a secret, never a variable
  });
});

describe('the cron line', () => {
  it('parses, runs daily at 02:30, loads the settings and runs node nightly.mjs', () => {
    const line = read('crontab')
      .split('\n')
      .find((l) => /^[0-9*]/.test(l))!;
    const fields = line.split(/\s+/);
    const expression = fields.slice(0, 5).join(' ');
    expect(CronExpressionParser.parse(expression, { currentDate: after, tz: 'UTC' }).next().toISOString()).toBe(
      nextRun,
    );
    expect(line).toContain('. ./mindzie.env');
    expect(line).toContain('node nightly.mjs');
  });
});

describe('the systemd timer and service', () => {
  const hasSystemd = existsSync('/usr/bin/systemd-analyze');

  it.runIf(hasSystemd)('pass systemd-analyze verify with no warning', async () => {
    const { stderr } = await promisify(execFile)('systemd-analyze', [
      'verify',
      join(folder, 'mindzie-nightly.timer'),
      join(folder, 'mindzie-nightly.service'),
    ]);
    expect(stderr).toBe('');
  });

  it.runIf(hasSystemd)('systemd-analyze does reject a timer with a misspelt key', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'units-'));
    try {
      writeFileSync(
        join(copy, 'mindzie-nightly.timer'),
        read('mindzie-nightly.timer').replace('OnCalendar', 'OnCalender'),
      );
      writeFileSync(join(copy, 'mindzie-nightly.service'), read('mindzie-nightly.service'));
      const broken = promisify(execFile)('systemd-analyze', ['verify', join(copy, 'mindzie-nightly.timer')]);
      await expect(broken).rejects.toThrow(/Unknown key 'OnCalender'/);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('start the service daily at 02:30 and run node nightly.mjs with the settings file', () => {
    const timer = read('mindzie-nightly.timer');
    const service = read('mindzie-nightly.service');
    expect(timer).toMatch(/^OnCalendar=\*-\*-\* 02:30:00$/m);
    expect(timer).toMatch(/^WantedBy=timers.target$/m);
    expect(service).toMatch(/^Type=oneshot$/m);
    expect(service).toMatch(/^ExecStart=\/usr\/bin\/node \S+\/nightly.mjs$/m);
    expect(service).toMatch(/^EnvironmentFile=\S+\/mindzie.env$/m);
  });
});
