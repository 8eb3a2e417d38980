// Size budget: bundles each entry of size-budget.json the way an app would ship it
// (esbuild, minified, runtime dependencies included, tree-shaken), gzips it, and fails
// when an entry is over its budget. `size-limit` needs Node 22; this is the same idea.
//
//   node scripts/size-budget.mjs                   # every entry
//   node scripts/size-budget.mjs @mindzie/client   # the entries a package owns
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// esbuild comes with tsup (a root dev dependency): resolve it from there.
const requireFromTsup = createRequire(createRequire(import.meta.url).resolve('tsup/package.json'));
const esbuild = requireFromTsup('esbuild');

const { entries } = JSON.parse(readFileSync(resolve(root, 'size-budget.json'), 'utf8'));
const only = process.argv.slice(2);
const selected = entries.filter((entry) => only.length === 0 || only.includes(entry.package));
if (selected.length === 0) {
  console.error(`size-budget: no entry for ${only.join(', ')}`);
  process.exit(1);
}

let over = 0;
for (const entry of selected) {
  const files = [entry.entry].flat().map((file) => resolve(root, file));
  const result = await esbuild.build({
    stdin: { contents: files.map((file) => `export * from ${JSON.stringify(file)};`).join('\n'), resolveDir: root, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    // 'browser' also proves the entry pulls in no Node built-in (the build fails if it does).
    platform: entry.platform ?? 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  }).catch((error) => {
    console.error(`size-budget: cannot bundle ${entry.name} (is it built?)\n${error.message}`);
    process.exit(1);
  });
  const code = result.outputFiles[0].contents;
  const gzipped = gzipSync(code, { level: 9 }).length;
  const ok = gzipped <= entry.budget;
  if (!ok) over++;
  console.log(`${ok ? 'ok  ' : 'OVER'} ${entry.name}: ${gzipped} B gzip (${code.length} B min), budget ${entry.budget} B`);
}
if (over) {
  console.error(`size-budget: ${over} entr${over === 1 ? 'y is' : 'ies are'} over budget`);
  process.exit(1);
}
