import { defineConfig } from 'vitest/config';
import shared from '../../vitest.shared.ts';

// The Redis fleet tests start several processes and a redis-server: they run after the other
// tests (groupOrder), not beside the timing-sensitive ones, on a 2-core machine.
export default defineConfig({
  ...shared,
  test: {
    ...shared.test,
    projects: [
      {
        extends: true,
        test: { name: 'poller', include: ['src/**/*.test.ts'], exclude: ['src/redis/**'], sequence: { groupOrder: 0 } },
      },
      { extends: true, test: { name: 'redis', include: ['src/redis/**/*.test.ts'], sequence: { groupOrder: 1 } } },
    ],
  },
});
