// Writes the consumer's type checks: one file importing every entry of every published
// package (from its `exports` map), compiled by tsc against the published declarations with
// moduleResolution nodenext (an .mts for ESM, a .cts with require for entries that have a
// `require` condition) and bundler. skipLibCheck is off, so the declarations are checked too.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** @param {unknown} node @param {string} name @returns {boolean} */
const hasCondition = (node, name) =>
  typeof node === 'object' &&
  node !== null &&
  Object.entries(node).some(([key, value]) => key === name || hasCondition(value, name));

/**
 * @param {string} consumer the folder the packages are installed in
 * @param {string[]} names package names
 * @returns {string[]} the tsconfig files to compile
 */
export function writeTypeChecks(consumer, names) {
  /** @type {Array<{ specifier: string, requirable: boolean }>} */
  const entries = [];
  for (const name of names) {
    const manifest = JSON.parse(readFileSync(join(consumer, 'node_modules', name, 'package.json'), 'utf8'));
    for (const [key, target] of Object.entries(manifest.exports ?? {})) {
      if (key === './package.json') {
        continue;
      }
      entries.push({
        specifier: key === '.' ? name : `${name}/${key.slice(2)}`,
        requirable: hasCondition(target, 'require'),
      });
    }
  }
  const dir = join(consumer, 'types');
  mkdirSync(dir, { recursive: true });
  const imports = entries.map(({ specifier }, index) => `import * as entry${index} from '${specifier}';`);
  const use = `export const entries = [${entries.map((_, index) => `entry${index}`).join(', ')}];\n`;
  writeFileSync(join(dir, 'esm.mts'), `${imports.join('\n')}\n${use}`);
  writeFileSync(join(dir, 'bundler.ts'), `${imports.join('\n')}\n${use}`);
  const requirable = entries.filter((entry) => entry.requirable);
  writeFileSync(
    join(dir, 'cjs.cts'),
    `${requirable.map(({ specifier }, index) => `import entry${index} = require('${specifier}');`).join('\n')}\n` +
      `export const entries = [${requirable.map((_, index) => `entry${index}`).join(', ')}];\n`,
  );
  const common = {
    strict: true,
    noEmit: true,
    skipLibCheck: false,
    target: 'es2022',
    types: ['node'],
    lib: ['es2022', 'dom'],
  };
  const configs = {
    'tsconfig.nodenext.json': {
      compilerOptions: { ...common, module: 'nodenext', moduleResolution: 'nodenext' },
      files: ['esm.mts', 'cjs.cts'],
    },
    'tsconfig.bundler.json': {
      compilerOptions: { ...common, module: 'esnext', moduleResolution: 'bundler' },
      files: ['bundler.ts'],
    },
  };
  for (const [file, config] of Object.entries(configs)) {
    writeFileSync(join(dir, file), JSON.stringify(config, null, 2));
  }
  return Object.keys(configs).map((file) => join(dir, file));
}
