import { defineConfig } from 'vitest/config'

// One runner for the whole workspace. The `source` export condition makes workspace
// packages resolve to their TypeScript sources, so tests never need a build first.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    // In CI a JSON report is written too, so .ci/run can print a plain "N passed, N failed" line.
    ...(process.env.CI ? { reporters: ['default', 'json'], outputFile: { json: 'test-results/vitest.json' } } : {}),
    projects: [
      {
        extends: true,
        test: {
          name: 'server',
          environment: 'node',
          include: ['packages/*/src/**/*.test.ts', 'apps/api/src/**/*.test.ts', 'apps/web/build/**/*.test.ts', 'scripts/**/*.test.ts', 'deploy/**/*.test.ts'],
          // Many tests start a real app (argon2id hashes, SQLite files): on two busy cores a
          // few take seconds. The limit is there to catch a hang, not to time anything.
          testTimeout: 20_000,
        },
      },
      'apps/web/vitest.config.ts',
      'apps/web/vitest.e2e.config.ts',
    ],
  },
})
