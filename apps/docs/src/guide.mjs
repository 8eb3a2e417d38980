// The SDK's getting started, shown first in the site's navigation (where a user lands):
// guide/getting-started.md, with each `<!-- guide: file.ts -->` replaced by that file as a
// TypeScript block (type-checked with the samples and run against the sandbox by the tests), and
// `<!-- cli: exit codes -->` by the CLI's own exit-code table, so the guide cannot miss a code.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { exitCodes } from '@mindzie/cli';

const INCLUDE = /<!-- guide: ([\w.-]+\.ts) -->/g;
const EXIT_CODES = '<!-- cli: exit codes -->';

/**
 * The CLI's exit codes as a Markdown table, from the table the CLI itself exits by.
 * @param {ReadonlyArray<{ code: number, name: string, meaning: string }>} codes
 */
export function exitCodeTable(codes = exitCodes) {
  const cell = (/** @type {string} */ text) => text.replace(/\|/g, '\\|');
  const rows = codes.map(({ code, name, meaning }) => `| \`${code}\` | ${name} | ${cell(meaning)} |`);
  return ['| Exit code | Name | Meaning |', '| --- | --- | --- |', ...rows].join('\n');
}

/**
 * @param {string} dir the guide folder
 * @returns {{ markdown: string, files: string[] }}
 */
export function readGuide(dir) {
  /** @type {string[]} */
  const files = [];
  const source = readFileSync(join(dir, 'getting-started.md'), 'utf8');
  if (!source.includes(EXIT_CODES)) {
    throw new Error(`guide/getting-started.md has no ${EXIT_CODES} marker: the guide must list every exit code`);
  }
  const markdown = source
    .replace(INCLUDE, (_marker, /** @type {string} */ file) => {
      files.push(file);
      return `\`\`\`ts\n${readFileSync(join(dir, file), 'utf8').trimEnd()}\n\`\`\``;
    })
    .replace(EXIT_CODES, () => exitCodeTable());
  return { markdown, files };
}

/**
 * A copy of the bundle whose description starts with the guide (Redoc turns its `##`
 * headings into navigation sections, before the contract's own).
 * @param {import('./operations.mjs').Node} doc
 * @param {string} markdown
 * @returns {import('./operations.mjs').Node}
 */
export function withGuide(doc, markdown) {
  const copy = structuredClone(doc);
  const contract = typeof copy.info?.description === 'string' ? copy.info.description.trim() : '';
  copy.info = { ...copy.info, description: [markdown.trim(), contract].filter(Boolean).join('\n\n') };
  return copy;
}
