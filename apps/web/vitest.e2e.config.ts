import { fileURLToPath } from 'node:url'
import { defineProject } from 'vitest/config'

/**
 * End-to-end tests: the real server (`node apps/api/dist/server.js`, which serves the
 * built SPA) driven by Debian's Chromium through playwright-core. Needs `pnpm build` first.
 */
export default defineProject({
  root: fileURLToPath(new URL('.', import.meta.url)),
  test: {
    name: 'web-e2e',
    environment: 'node',
    include: ['e2e/**/*.e2e.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
})
