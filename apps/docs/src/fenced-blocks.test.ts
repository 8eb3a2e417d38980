import { describe, expect, it } from 'vitest';
import { cliCommands, fencedBlocks, isShell } from './fenced-blocks.mjs';

describe('fencedBlocks and cliCommands', () => {
  it('finds each fenced block with its language and code', () => {
    const markdown = 'Text\n\n```sh\nnpm install x\n```\n\nMore\n\n```ts title\nconst a = 1;\n```\n';
    expect(fencedBlocks(markdown)).toEqual([
      { lang: 'sh', code: 'npm install x\n' },
      { lang: 'ts', code: 'const a = 1;\n' },
    ]);
    expect(isShell('sh')).toBe(true);
    expect(isShell('ts')).toBe(false);
  });

  it('answers the mindzie commands of a command block and none for a set-up block', () => {
    expect(cliCommands('# runs it\nmindzie action run a --wait\n\nmindzie action history a --json\n')).toEqual([
      'mindzie action run a --wait',
      'mindzie action history a --json',
    ]);
    expect(cliCommands('npm install -g @mindzie/cli\nexport MINDZIE_TOKEN=…\n')).toEqual([]);
  });

  it('refuses a block that mixes set-up and commands', () => {
    expect(() => cliCommands('export MINDZIE_TOKEN=x\nmindzie action run a\n')).toThrow(/export MINDZIE_TOKEN=x/);
  });
});
