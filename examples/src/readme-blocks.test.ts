// Every README's examples, run as a reader would: each `ts`/`js` block is type-checked (one tsc
// run for all) and run as its own ES module in a fresh folder, and each `mindzie …` line of a
// shell block is run by the real CLI, all against one shared sandbox with the MINDZIE_*
// variables set. A README example that fails is a failing test.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type Sandbox, startSandbox } from '@mindzie/sandbox';
import { transform } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  blockName,
  type CodeBlock,
  codeBlocksOf,
  guidsIn,
  mindzieCommands,
  readmes,
  relativeLinksIn,
  repositoryRoot,
} from './readme-blocks.mjs';

const run = promisify(execFile);
const examples = join(repositoryRoot, 'examples');
// Inside the workspace, so the blocks' imports resolve to its @mindzie/* dependencies.
const work = join(examples, '.readme-blocks');
const bin = join(examples, 'node_modules', '.bin');

const blocks = readmes().flatMap((readme) => codeBlocksOf(readme));
const code = blocks.filter((block) => block.kind !== 'sh');
const commands = blocks.filter((block) => block.kind === 'sh' && mindzieCommands(block).length > 0);
const fileOf = (block: CodeBlock) => join(work, `${blockName(block)}.${block.kind === 'ts' ? 'ts' : 'mjs'}`);

/**
 * What a README's later blocks take from its first ("the client from above", an action's id):
 * declared for tsc, defined by the preload for the run, with ids from the sandbox's fixture.
 */
const contextTypes = `import type { ClientOptions, MindzieClient } from '@mindzie/client';
declare global {
  const mindzie: MindzieClient;
  const actionId: string;
  const executionId: string;
  const blockId: string;
  const baseUrl: string;
  const token: string;
  const tenantId: string;
  const projectId: string;
  const options: ClientOptions;
  const signal: AbortSignal;
  const timeoutMs: number;
}
export {};
`;
const contextPreload = `import { createClient } from '@mindzie/client';
const env = process.env;
globalThis.options = {
  baseUrl: env.MINDZIE_BASE_URL,
  token: env.MINDZIE_TOKEN,
  tenantId: env.MINDZIE_TENANT_ID,
  projectId: env.MINDZIE_PROJECT_ID,
};
Object.assign(globalThis, globalThis.options);
// Made here, while --import runs: before 0.2 such a client could not download (Node's bundled undici
// as the global dispatcher); every README block that downloads with it is the regression test.
globalThis.mindzie = createClient(globalThis.options);
globalThis.signal = AbortSignal.timeout(60_000);
globalThis.timeoutMs = 30_000;
globalThis.actionId = 'a0000000-0000-4000-8000-000000000001'; // Daily sales report
globalThis.executionId = 'e0000000-0000-4000-8000-000000000001'; // one of its past executions
globalThis.blockId = 'b0000000-0000-4000-8000-000000000001'; // Revenue filter
`;

let sandbox: Sandbox;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  writeFileSync(join(work, 'context.d.ts'), contextTypes);
  mkdirSync(join(work, 'preload'));
  writeFileSync(join(work, 'preload', 'context.mjs'), contextPreload); // outside tsc's include: not a block
  for (const block of code) {
    writeFileSync(fileOf(block), block.text);
  }
  // A reader's usual settings (strict, ES modules, top-level await), not the repository's stricter ones.
  const compilerOptions = {
    target: 'ES2022',
    lib: ['ES2022', 'DOM'],
    module: 'ESNext',
    moduleResolution: 'Bundler',
    moduleDetection: 'force',
    strict: true,
    allowJs: true,
    checkJs: true,
    noEmit: true,
    skipLibCheck: true,
    resolveJsonModule: true,
    types: ['node'],
  };
  writeFileSync(join(work, 'tsconfig.json'), JSON.stringify({ compilerOptions, include: ['*.ts', '*.mjs'] }));
  sandbox = await startSandbox({ timeScale: 20 });
  const { baseUrl, token, tenantId, projectId } = sandbox;
  env = {
    ...process.env,
    PATH: `${bin}:${process.env.PATH}`,
    MINDZIE_BASE_URL: baseUrl,
    MINDZIE_TOKEN: token,
    MINDZIE_TENANT_ID: tenantId,
    MINDZIE_PROJECT_ID: projectId,
  };
});

afterAll(async () => {
  await sandbox?.close();
  rmSync(work, { recursive: true, force: true });
});

/** A fresh empty folder to run a block in (its `./out` is its own), removed afterwards. */
async function inFreshFolder<T>(body: (cwd: string) => Promise<T>): Promise<T> {
  const cwd = mkdtempSync(join(tmpdir(), 'readme-block-'));
  try {
    return await body(cwd);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

const failure = (error: unknown) => {
  const { code, stdout, stderr } = error as { code?: number; stdout?: string; stderr?: string };
  return `exit ${code}\n${stdout ?? ''}${stderr ?? ''}`;
};

describe('README code blocks', () => {
  it('finds the blocks of every README with a Markdown parser', () => {
    expect(readmes()).toEqual(
      expect.arrayContaining([
        'README.md',
        'packages/client/README.md',
        'packages/poller/README.md',
        'examples/README.md',
      ]),
    );
    // The user's section comes first: `npm install`, then the golden path.
    const first = codeBlocksOf('README.md').find((block) => block.kind !== 'sh')!;
    expect(first.kind).toBe('js');
    expect(first.text).toContain("from '@mindzie/poller/node'");
    expect(code.filter((block) => block.run).length).toBeGreaterThan(5);
    expect(commands.length).toBeGreaterThan(1);
  });

  it('shows only ids that exist in the sandbox fixture', () => {
    const fixture = readFileSync(join(repositoryRoot, 'apps/sandbox/src/fixtures/default.json'), 'utf8').toLowerCase();
    const unknown = blocks.flatMap((block) =>
      guidsIn(block.text)
        .filter((id) => !fixture.includes(id.toLowerCase()))
        .map((id) => `${blockName(block)}: ${id}`),
    );
    expect(unknown).toEqual([]);
  });

  it('links only to absolute URLs from the READMEs npm shows (every published package)', () => {
    const published = ['packages/client', 'packages/poller', 'packages/cli', 'apps/sandbox'];
    const relative = published.flatMap((dir) =>
      relativeLinksIn(readFileSync(join(repositoryRoot, dir, 'README.md'), 'utf8')).map((url) => `${dir}: ${url}`),
    );
    expect(relative).toEqual([]);
  });

  it('type-checks every ts and js block', async () => {
    const tsc = join(repositoryRoot, 'node_modules', '.bin', 'tsc');
    const output = await run(tsc, ['-p', work], { cwd: work }).then(
      () => '',
      (error: { stdout?: string }) => error.stdout ?? String(error),
    );
    expect(output).toBe('');
  });

  it.each(code.filter((block) => block.run).map((block) => [blockName(block), block] as const))(
    'runs %s',
    async (_, block) => {
      const { code: js } = await transform(block.text, {
        loader: block.kind === 'ts' ? 'ts' : 'js',
        format: 'esm',
        target: 'esnext',
      });
      const file = join(work, `${blockName(block)}.run.mjs`);
      writeFileSync(file, js);
      const result = await inFreshFolder((cwd) =>
        run(process.execPath, ['--import', join(work, 'preload', 'context.mjs'), file], {
          cwd,
          env,
          timeout: 60_000,
        }).catch((error: unknown) => ({ failed: failure(error) })),
      );
      expect(result).not.toHaveProperty('failed');
    },
  );

  it.each(commands.map((block) => [blockName(block), block] as const))(
    'runs the mindzie commands of %s',
    async (_, block) => {
      await inFreshFolder(async (cwd) => {
        for (const command of mindzieCommands(block)) {
          const result = await run('sh', ['-c', command], { cwd, env, timeout: 60_000 }).catch((error: unknown) => ({
            failed: `${command}: ${failure(error)}`,
          }));
          expect(result).not.toHaveProperty('failed');
        }
      });
    },
  );
});
