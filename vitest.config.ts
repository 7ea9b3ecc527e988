import { defineConfig } from 'vitest/config';

/**
 * Three depths of test (ENGINEERING.md): pure core (and web helper) units; server tests on a real
 * database (PGlite by default, PostgreSQL with SAFEKEEP_TEST_ENGINE=postgres) through
 * services and Fastify's inject; browser tests in Debian's Chromium.
 */
export default defineConfig({
  test: {
    env: { TZ: 'UTC' },
    projects: [
      {
        test: {
          name: 'core',
          include: ['packages/core/src/**/*.test.ts'],
          sequence: { groupOrder: 0 },
          env: { TZ: 'UTC' },
        },
      },
      {
        test: {
          // The web interface's pure helpers (formatting, wording, redirects); its pages are tested in e2e/.
          name: 'web',
          include: ['packages/web/src/**/*.test.ts'],
          sequence: { groupOrder: 0 },
          env: { TZ: 'UTC' },
        },
      },
      {
        test: {
          name: 'server',
          sequence: { groupOrder: 1 },
          include: ['packages/server/src/**/*.test.ts', 'packages/server/test/**/*.test.ts'],
          globalSetup: ['packages/server/test/global-setup.ts'],
          env: { TZ: 'UTC' },
          testTimeout: 60_000,
          hookTimeout: 120_000,
          pool: 'forks',
          maxWorkers: 2,
        },
      },
      {
        test: {
          name: 'e2e',
          sequence: { groupOrder: 2 },
          include: ['e2e/**/*.test.ts'],
          globalSetup: ['e2e/global-setup.ts'],
          env: { TZ: 'UTC' },
          testTimeout: 60_000,
          hookTimeout: 180_000,
          maxWorkers: 1,
        },
      },
    ],
  },
});
