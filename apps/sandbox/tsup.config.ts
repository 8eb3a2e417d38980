import { defineConfig } from 'tsup';

export default defineConfig({
  // src/bench.ts is `pnpm bench`, not part of the package's API (no types for it).
  entry: ['src/index.ts', 'src/cli.ts', 'src/bench.ts'],
  format: ['esm'],
  dts: { entry: 'src/index.ts' },
  // The load tool stays a dev dependency, loaded only by the benchmark.
  external: ['autocannon'],
  clean: true,
  sourcemap: true,
  target: 'node20',
});
