// Bundle budgets (size-limit: esbuild, minified, gzip), checked by `pnpm lint`. Figures in BENCHMARKS.md.
const forNode = (config) => ({ ...config, platform: 'node' });
const clientExports = Object.keys(await import('../client/dist/index.js')).join(', ');

export default [
  {
    name: '@mindzie/poller',
    path: 'dist/index.js',
    import: '*',
    gzip: true,
    ignore: ['@mindzie/client'],
    limit: '10.95 kB',
  },
  {
    name: '@mindzie/poller/node',
    path: 'dist/node.js',
    import: '*',
    gzip: true,
    ignore: ['@mindzie/client', 'undici'],
    modifyEsbuildConfig: forNode,
    limit: '10.05 kB',
  },
  {
    // What an app ships: the client (openapi-fetch inside) and the poller.
    name: '@mindzie/client + @mindzie/poller',
    path: ['../client/dist/index.js', 'dist/index.js'],
    // Every export of both (size-limit names each `*` import alike, so the client's are listed).
    import: { '../client/dist/index.js': `{ ${clientExports} }`, 'dist/index.js': '*' },
    gzip: true,
    limit: '21.1 kB',
  },
];
