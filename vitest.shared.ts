// One place for test settings; each package's vitest.config.ts extends it.
export default {
  test: {
    // Generous: tests that start servers or processes took over 20 s with several suites
    // sharing this 2-core machine (load 15+), and a timeout is not what they test.
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // Each package writes a machine-readable report that scripts/test-all.mjs sums into
    // the plain `N passed, N failed` line CI reads (vitest's own summary is not read).
    // biome-ignore lint/suspicious/noExplicitAny: vitest does not export the type of a reporter tuple.
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]] as any,
  },
};
