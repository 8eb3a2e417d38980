import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/node.ts', 'src/redis.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  // One shared chunk: '@mindzie/poller/node' and '@mindzie/poller' share the same streams,
  // limiters and error classes.
  splitting: true,
});
