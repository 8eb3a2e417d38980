import { readFileSync } from 'node:fs';
import { defineProject } from 'vitest/config';
import shared from '../../vitest.shared.ts';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

export default defineProject({
  ...shared,
  // The same constant tsup writes into the build, so tests see the real User-Agent.
  define: { __CLIENT_VERSION__: JSON.stringify(version) },
  test: { ...shared.test, include: ['src/**/*.test.ts'] },
});
