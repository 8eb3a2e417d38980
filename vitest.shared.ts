// One place for test settings; each package's vitest.config.ts extends it.
export default {
  test: {
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // Each package writes a machine-readable report that scripts/test-all.mjs sums into
    // the plain `N passed, N failed` line CI reads (vitest's own summary is not read).
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]] as any,
  },
};
