// The fenced code blocks of the repository's README files, parsed with a Markdown parser
// (mdast-util-from-markdown), sorted into what the README test does with each:
// - `ts`/`js` blocks are type-checked and run; ```ts no-run``` ones (a Redis, a test runner)
//   are only type-checked;
// - `sh` blocks: their `mindzie …` lines are run; set-up lines (`npm test`, `export …`) are not;
// - everything else (JSON, output) is text.
// Plain JavaScript, so the publish proof (scripts/proof/newcomer.mjs) reads the README the same way.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromMarkdown } from 'mdast-util-from-markdown';

export const repositoryRoot = join(import.meta.dirname, '..', '..');

/**
 * @typedef {object} CodeBlock
 * @property {string} readme the README, relative to the repository root
 * @property {number} line the line of the opening fence
 * @property {'ts' | 'js' | 'sh'} kind `ts` or `js` (code), `sh` (commands)
 * @property {boolean} run false for ```ts no-run```: type-checked, never run
 * @property {string} text
 */

/**
 * The fields of an mdast node read here (`code` nodes carry lang, meta and value).
 * @typedef {{ type: string, lang?: string | null, meta?: string | null, value?: string,
 *   position?: { start: { line: number } }, url?: string, children?: MarkdownNode[] }} MarkdownNode
 */

/** @type {Record<string, CodeBlock['kind']>} */
const kinds = { ts: 'ts', typescript: 'ts', js: 'js', javascript: 'js', mjs: 'js', sh: 'sh', bash: 'sh', shell: 'sh' };

/** Every README.md of the repository (none under node_modules or a build output). */
export function readmes() {
  // Tracked or new (not ignored): a README added in the working tree is tested before its commit.
  const args = ['ls-files', '--cached', '--others', '--exclude-standard', '--', 'README.md', '**/README.md'];
  return [...new Set(execFileSync('git', args, { cwd: repositoryRoot, encoding: 'utf8' }).split('\n'))].filter(Boolean);
}

/**
 * Every node of a README's syntax tree, depth first.
 * @param {string} markdown
 * @returns {MarkdownNode[]}
 */
export function nodesOf(markdown) {
  /** @type {MarkdownNode[]} */
  const nodes = [];
  /** @param {MarkdownNode} node */
  const visit = (node) => {
    nodes.push(node);
    for (const child of node.children ?? []) {
      visit(child);
    }
  };
  visit(/** @type {MarkdownNode} */ (fromMarkdown(markdown)));
  return nodes;
}

/**
 * The code blocks of one README, in order.
 * @param {string} readme relative to the repository root
 * @param {string} [markdown] its text (read from the repository when not given)
 * @returns {CodeBlock[]}
 */
export function codeBlocksOf(readme, markdown = readFileSync(join(repositoryRoot, readme), 'utf8')) {
  return nodesOf(markdown).flatMap((node) => {
    const kind = node.type === 'code' ? kinds[node.lang ?? ''] : undefined;
    if (!kind) {
      return [];
    }
    const run = !(node.meta ?? '').split(/\s+/).includes('no-run');
    return [{ readme, line: node.position?.start.line ?? 0, kind, run, text: node.value ?? '' }];
  });
}

/**
 * The `mindzie …` command lines of a shell block (a comment after the command dropped).
 * @param {CodeBlock} block
 */
export function mindzieCommands(block) {
  return block.text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => /^mindzie\s/.test(line))
    .map((line) => line.replace(/\s+#.*$/, ''));
}

/**
 * A name for a block's files: `packages-client-README-L12`.
 * @param {CodeBlock} block
 */
export function blockName(block) {
  return `${block.readme.replace(/\.md$/, '').replace(/[^A-Za-z0-9]+/g, '-')}-L${block.line}`;
}

/**
 * Every GUID a block shows (the README test checks each is in the sandbox's fixture).
 * @param {string} text
 */
export function guidsIn(text) {
  return text.match(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi) ?? [];
}

/**
 * The links of a README that are relative (they break on npm, which shows the README alone).
 * @param {string} markdown
 */
export function relativeLinksIn(markdown) {
  return nodesOf(markdown)
    .filter((node) => node.type === 'link' || node.type === 'definition' || node.type === 'image')
    .map((node) => node.url ?? '')
    .filter((url) => !/^(https?:|mailto:|#)/.test(url));
}
