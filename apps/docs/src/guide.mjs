// The SDK's getting started, shown first in the site's navigation (where a user lands):
// guide/getting-started.md, with each `<!-- guide: file.ts -->` replaced by that file as a
// TypeScript block. The files are type-checked with the samples, so the guide compiles.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const INCLUDE = /<!-- guide: ([\w.-]+\.ts) -->/g;

/**
 * @param {string} dir the guide folder
 * @returns {{ markdown: string, files: string[] }}
 */
export function readGuide(dir) {
  /** @type {string[]} */
  const files = [];
  const source = readFileSync(join(dir, 'getting-started.md'), 'utf8');
  const markdown = source.replace(INCLUDE, (_marker, /** @type {string} */ file) => {
    files.push(file);
    return `\`\`\`ts\n${readFileSync(join(dir, file), 'utf8').trimEnd()}\n\`\`\``;
  });
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
