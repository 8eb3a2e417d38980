// Bundle budgets (size-limit: esbuild, minified, gzip), checked by `pnpm lint`. Figures in BENCHMARKS.md.
const forNode = (config) => ({ ...config, platform: 'node' });

export default [
  { name: '@mindzie/client', path: 'dist/index.js', import: '*', gzip: true, limit: '11.1 kB' },
  { name: '@mindzie/client/raw', path: 'dist/raw.js', import: '*', gzip: true, limit: '4.6 kB' },
  {
    // @opentelemetry/api is the app's own (a peer dependency).
    name: '@mindzie/client/otel',
    path: 'dist/otel.js',
    import: '*',
    gzip: true,
    ignore: ['@opentelemetry/api'],
    limit: '1.5 kB',
  },
  {
    // Node loads undici and its built-ins itself: they are not shipped in a bundle.
    name: '@mindzie/client/node',
    path: 'dist/node.js',
    import: '*',
    gzip: true,
    ignore: ['undici'],
    modifyEsbuildConfig: forNode,
    limit: '5.8 kB',
  },
];
