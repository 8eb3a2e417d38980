// The fenced code blocks of the guide, sorted the way its tests treat them: TypeScript comes only
// from guide/*.ts includes (type-checked by the build, run by the tests); a shell block either runs
// the CLI (every command `mindzie …`, run against the sandbox) or sets up (npm install, export,
// npx: not run). A block mixing the two cannot be run as written, so it is refused.

const FENCE = /^```([\w-]*)[^\n]*\n([\s\S]*?)^```[ \t]*$/gm;
const SHELL = new Set(['sh', 'shell', 'bash', 'console']);

/**
 * @param {string} markdown
 * @returns {Array<{ lang: string, code: string }>}
 */
export function fencedBlocks(markdown) {
  return [...markdown.matchAll(FENCE)].map(([, lang = '', code = '']) => ({ lang, code }));
}

/**
 * The `mindzie …` commands of a shell block ([] for a set-up block). Comments and blank lines
 * are dropped.
 * @param {string} code
 * @returns {string[]}
 */
export function cliCommands(code) {
  const lines = code
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const commands = lines.filter((line) => /^mindzie\s/.test(line));
  if (commands.length > 0 && commands.length < lines.length) {
    const setup = lines.filter((line) => !commands.includes(line));
    throw new Error(`a shell block mixes set-up (${setup.join('; ')}) with mindzie commands: split it in two`);
  }
  return commands;
}

/** @param {string} lang */
export const isShell = (lang) => SHELL.has(lang);
