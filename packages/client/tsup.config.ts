import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

export default defineConfig({
  entry: ['src/index.ts', 'src/node.ts', 'src/raw.ts', 'src/otel.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  // One shared chunk in both formats: `@mindzie/client/node` throws the very same error
  // classes as `@mindzie/client`, so `instanceof` holds across the two entry points.
  splitting: true,
  define: { __CLIENT_VERSION__: JSON.stringify(version) },
});
