// Run inside the consumer folder by each runtime: loads every entry of every installed
// @mindzie package, following each package's own `exports` map (a new entry is checked
// without a change here): ESM import always, CJS require where the entry has a `require`
// condition, and both must expose the same names. Prints one JSON line.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(`${process.cwd()}/package.json`);
const packages = JSON.parse(process.argv[2] ?? '[]');
/** @param {unknown} node */
const hasCondition = (node, name) =>
  typeof node === 'object' &&
  node !== null &&
  Object.entries(node).some(([key, value]) => key === name || hasCondition(value, name));

const checked = [];
const problems = [];
for (const name of packages) {
  const manifest = JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8'));
  for (const [key, target] of Object.entries(manifest.exports ?? { '.': manifest.main })) {
    if (key === './package.json') {
      continue;
    }
    const specifier = key === '.' ? name : `${name}/${key.slice(2)}`;
    try {
      const esm = Object.keys(await import(specifier))
        .filter((k) => k !== 'default' && k !== 'module.exports')
        .sort();
      if (esm.length === 0) {
        problems.push(`${specifier}: ESM import exposes nothing`);
      }
      let cjs = null;
      if (hasCondition(target, 'require')) {
        cjs = Object.keys(require(specifier)).sort();
        if (cjs.join() !== esm.join()) {
          problems.push(`${specifier}: require() exposes [${cjs}], import [${esm}]`);
        }
      }
      checked.push({ specifier, esm: esm.length, cjs: cjs === null ? 'no require condition' : cjs.length });
    } catch (error) {
      problems.push(`${specifier}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
console.log(JSON.stringify({ checked, problems }));
process.exit(problems.length ? 1 : 0);
