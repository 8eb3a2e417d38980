import { defineConfig } from 'vitest/config';
import shared from '../../vitest.shared.ts';

// The Redis fleet tests start several processes and a redis-server: they run after the other
// tests (groupOrder), not beside the timing-sensitive ones, on a 2-core machine.
// Three files at a time, not vitest's one on two cores: these tests mostly wait on real timers
// (alone: 140 s of wall time for 50 s of CPU; three at a time: 75 s for the same CPU), and the
// suite is the longest task of `npm test`.
export default defineConfig({
  ...shared,
  test: {
    ...shared.test,
    maxWorkers: 3,
    projects: [
      {
        extends: true,
        test: { name: 'poller', include: ['src/**/*.test.ts'], exclude: ['src/redis/**'], sequence: { groupOrder: 0 } },
      },
      { extends: true, test: { name: 'redis', include: ['src/redis/**/*.test.ts'], sequence: { groupOrder: 1 } } },
    ],
  },
});
