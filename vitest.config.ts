import { defineConfig } from 'vitest/config';

/**
 * Three tiers. `unit` is pure logic and needs nothing running. `integration`
 * talks to the real local platform that scripts/test.sh brings up (one shared
 * platform, unique topic names per test). `lifecycle` starts and stops whole
 * platforms of its own (own home, own ports) and so runs last, alone.
 */
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.{ts,tsx}'], environment: 'node' } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          // Files share one platform; running them one at a time keeps a 2-core machine responsive.
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'lifecycle',
          include: ['test/lifecycle/**/*.test.ts'],
          testTimeout: 600_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
