import { fileURLToPath } from 'node:url'
import vue from '@vitejs/plugin-vue'
import { defineProject } from 'vitest/config'

/** Unit tests of the SPA: components and modules in happy-dom, next to what they test. */
export default defineProject({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [vue()],
  resolve: { conditions: ['source', 'module', 'browser', 'development'] },
  test: {
    name: 'web',
    environment: 'happy-dom',
    include: ['src/**/*.test.ts'],
    restoreMocks: true,
    setupFiles: ['src/testing/setup.ts'],
  },
})
