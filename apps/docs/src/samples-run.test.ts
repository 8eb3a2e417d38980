import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Sandbox, startSandbox } from '@mindzie/sandbox';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliCommands, fencedBlocks, isShell } from './fenced-blocks.mjs';
import { readGuide } from './guide.mjs';

// Every code sample of the site runs as a user runs it: each guide/*.ts and samples/*.ts (both
// type-checked by the build) as an ES module (.mjs, top-level await) in its own empty folder, and
// each `mindzie …` command of the guide through a shell, against a real sandbox whose settings are
// in the MINDZIE_* variables. A sample that cannot run by design says `// not run: why` on its
// first line and is only type-checked.
const app = fileURLToPath(new URL('../', import.meta.url));
const NOT_RUN = /^\/\/ not run: \S/;

type Outcome = { code: number | null; stdout: string; stderr: string; cwd: string };
/** What a sample must do. */
type Expectation = { exitCode?: number; check: (run: Outcome) => void };

const zipsIn = (dir: string) => {
  try {
    return readdirSync(dir).filter((name) => name.endsWith('.zip'));
  } catch {
    return [];
  }
};
/** One ZIP in `folder` (relative to the run's folder), and nothing else saved beside it. */
const savesOneZip =
  (folder = 'out') =>
  (run: Outcome) => {
    expect(zipsIn(join(run.cwd, folder))).toHaveLength(1);
    if (folder !== '.') {
      expect(zipsIn(run.cwd)).toEqual([]);
    }
  };
const printsGoldenPath = (run: Outcome) => {
  const [saved] = zipsIn(join(run.cwd, 'out'));
  expect(run.stdout).toBe(`Completed: saved ${join(run.cwd, 'out', saved ?? '(no ZIP in out/)')}\n`);
  savesOneZip()(run);
};

const expectations: Record<string, Expectation> = {
  'guide/run-action.ts': { check: printsGoldenPath },
  'guide/step-by-step.ts': { check: (run) => expect(run.stdout).toMatch(/^Completed \d{4}-/m) },
  'guide/download.ts': { check: savesOneZip('.') },
  'guide/errors.ts': {
    exitCode: 1,
    check: (run) => {
      expect(run.stderr).toMatch(/^failed: /m);
      expect(zipsIn(join(run.cwd, 'out'))).toEqual([]);
    },
  },
  'samples/executeAction.ts': { check: printsGoldenPath },
  'samples/downloadActionExecutionPackage.ts': { check: savesOneZip('.') },
  'samples/getActionExecution.ts': { check: (run) => expect(run.stdout).toMatch(/^Completed \d{4}-/m) },
  'samples/getLastActionExecution.ts': {
    check: (run) => expect(run.stdout).toMatch(/^[0-9a-f-]{36} (Queued|Running|Completed) /m),
  },
  'samples/listActionExecutions.ts': {
    check: (run) => expect(run.stdout).toMatch(/^e0000000-0000-4000-8000-000000000001 \d{4}-.* Completed/m),
  },
  'samples/getBlockResults.ts': { check: (run) => expect(run.stdout.trim()).not.toBe('') },
  'samples/executeBlock.ts': { check: (run) => expect(run.stdout).toMatch(/^Success /m) },
};

let sandbox: Sandbox;
let env: NodeJS.ProcessEnv;
let work: string;

beforeAll(async () => {
  sandbox = await startSandbox({ timeScale: 60 }); // a 3 s action takes 50 ms
  env = {
    PATH: `${join(app, 'node_modules/.bin')}:${process.env.PATH}`,
    HOME: process.env.HOME,
    MINDZIE_BASE_URL: sandbox.baseUrl,
    MINDZIE_TOKEN: sandbox.token,
    MINDZIE_TENANT_ID: sandbox.tenantId,
    MINDZIE_PROJECT_ID: sandbox.projectId,
  };
  // Inside the app, so `@mindzie/*` resolve from its node_modules as from a user's project.
  mkdirSync(join(app, 'test-results'), { recursive: true });
  work = mkdtempSync(join(app, 'test-results', 'samples-'));
});

afterAll(async () => {
  await sandbox?.close();
  if (work) {
    rmSync(work, { recursive: true, force: true });
  }
});

/** Runs a command in a new empty folder under work; resolves with its exit code and output. */
function run(file: string, args: string[], name: string): Promise<Outcome> {
  const cwd = mkdtempSync(join(work, `${name.replace(/\W+/g, '-')}-`));
  return new Promise((resolve) => {
    execFile(file, args, { cwd, env, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ code, stdout, stderr, cwd });
    });
  });
}

/** Transpiles a sample to the .mjs a user would run (types erased, nothing else changed). */
function asModule(source: string) {
  return ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
  }).outputText;
}

const sampleFiles = ['guide', 'samples'].flatMap((dir) =>
  readdirSync(join(app, dir))
    .filter((file) => file.endsWith('.ts'))
    .map((file) => `${dir}/${file}`),
);

describe('every code sample of the site, run against the sandbox', () => {
  it('knows what each sample must do, or the sample says why it is not run', () => {
    const notRun = sampleFiles.filter((file) => NOT_RUN.test(readFileSync(join(app, file), 'utf8')));
    expect(sampleFiles.filter((file) => !notRun.includes(file)).sort()).toEqual(Object.keys(expectations).sort());
    // The guide's TypeScript is included from guide/*.ts, never written inline where the build does not check it.
    const inline = fencedBlocks(readFileSync(join(app, 'guide/getting-started.md'), 'utf8')).filter(
      ({ lang }) => !isShell(lang),
    );
    expect(inline.map(({ lang, code }) => `${lang}: ${code.split('\n')[0]}`)).toEqual([]);
    for (const file of readGuide(join(app, 'guide')).files) {
      expect(sampleFiles).toContain(`guide/${file}`);
    }
  });

  it.each(Object.keys(expectations))('%s', async (file) => {
    const expected = expectations[file]!;
    const name = file.replace(/\.ts$/, '').replace('/', '-');
    const script = join(work, `${name}.mjs`);
    writeFileSync(script, asModule(readFileSync(join(app, file), 'utf8')));
    const outcome = await run(process.execPath, [script], name);
    expect({ code: outcome.code, stderr: outcome.code === (expected.exitCode ?? 0) ? '' : outcome.stderr }).toEqual({
      code: expected.exitCode ?? 0,
      stderr: '',
    });
    expected.check(outcome);
  });

  it("runs every `mindzie …` command of the guide's shell blocks", async () => {
    const blocks = fencedBlocks(readGuide(join(app, 'guide')).markdown).filter(({ lang }) => isShell(lang));
    const commands = blocks.flatMap(({ code }) => cliCommands(code));
    expect(commands.length).toBeGreaterThan(0);
    for (const command of commands) {
      const outcome = await run('/bin/sh', ['-c', command], 'cli');
      expect({ command, code: outcome.code, stderr: outcome.code === 0 ? '' : outcome.stderr }).toEqual({
        command,
        code: 0,
        stderr: '',
      });
      if (/--download \.\/out\b/.test(command)) {
        savesOneZip()(outcome);
      }
    }
  });
});
