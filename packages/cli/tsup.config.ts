import { defineConfig } from 'tsup';

// ESM only: the CLI runs on Node 20+, where ESM is native.
export default defineConfig({
  entry: ['src/index.ts', 'src/cli.ts'],
  format: ['esm'],
  dts: { entry: 'src/index.ts' },
  clean: true,
  sourcemap: true,
  target: 'node20',
});
