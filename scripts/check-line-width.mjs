// Fails when a tracked line of code or configuration under the current directory is over 120 columns.
// Biome formats to 120 but never wraps strings or comments, so this catches what it leaves.
// Markdown (tables, prose), SVG assets and generated files are not code and are skipped.
// Arguments are git pathspecs (default `.`), e.g. `. ':!packages'` to leave the packages to their own lint.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const MAX = 120;
const skipped = [/\.md$/, /\.svg$/, /(^|\/)src\/generated\//, /(^|\/)pnpm-lock\.yaml$/];
const files = execFileSync(
  'git',
  ['ls-files', '-z', '--', ...(process.argv.length > 2 ? process.argv.slice(2) : ['.'])],
  {
    encoding: 'utf8',
  },
)
  .split('\0')
  .filter((file) => file && !skipped.some((pattern) => pattern.test(file)));

const long = [];
for (const file of files) {
  const lines = readFileSync(file, 'utf8').split('\n');
  for (const [index, line] of lines.entries()) {
    // Columns as an editor counts them: code points, not UTF-16 units.
    const width = [...line].length;
    if (width > MAX) {
      long.push(`${file}:${index + 1}: ${width} columns`);
    }
  }
}
if (long.length > 0) {
  console.error(`${long.length} line(s) over ${MAX} columns:\n${long.join('\n')}`);
  process.exit(1);
}
