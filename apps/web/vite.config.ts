import { fileURLToPath } from 'node:url'
import vue from '@vitejs/plugin-vue'
import { defaultClientConditions, defineConfig } from 'vite'
import { apiTarget } from './build/api-target.ts'
import { precompress } from './build/precompress.ts'

/**
 * The SPA build. `source` resolves `@tokenauth/shared` to its TypeScript sources (no
 * build of the package first); `/api` is proxied to the API in development so the app
 * and the API share one origin there too, exactly as in production.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  // Every component uses <script setup>; dropping Options API support shrinks the runtime.
  plugins: [vue({ features: { optionsAPI: false } }), precompress()],
  resolve: { conditions: ['source', ...defaultClientConditions] },
  server: {
    proxy: { '/api': { target: apiTarget(process.env, fileURLToPath(new URL('../../.env', import.meta.url))), changeOrigin: false } },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    manifest: true,
    target: 'es2022',
    // No inline <script> and no data: modules, so `script-src 'self'` is enough.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
})
