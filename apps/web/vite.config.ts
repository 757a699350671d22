import { fileURLToPath } from 'node:url'
import VueI18nPlugin from '@intlify/unplugin-vue-i18n/vite'
import vue from '@vitejs/plugin-vue'
import { defaultClientConditions, defineConfig } from 'vite'
import { apiTarget } from './build/api-target.ts'
import { precompress } from './build/precompress.ts'
import { preloadRoute } from './build/preload-route.ts'

/**
 * The SPA build. `source` resolves `@tokenauth/shared` to its TypeScript sources (no
 * build of the package first); `/api` is proxied to the API in development so the app
 * and the API share one origin there too, exactly as in production.
 */
export default defineConfig(({ command }) => ({
  root: fileURLToPath(new URL('.', import.meta.url)),
  // Every component uses <script setup>; dropping Options API support shrinks the runtime.
  // `/login` is where every visitor who is not signed in starts: its view's chunks are
  // fetched with the entry rather than after the start-up renewal check.
  plugins: [vue({ features: { optionsAPI: false } }), vueI18n(), preloadRoute('/src/views/LoginView.vue'), precompress()],
  // No devtools hooks of vue-i18n in a build (the rest of its flags: vueI18n() below).
  define: { __INTLIFY_PROD_DEVTOOLS__: 'false' },
  resolve: {
    conditions: ['source', ...defaultClientConditions],
    // No devtools in a build (`__VUE_PROD_DEVTOOLS__` is false), but vuex reaches the
    // devtools API past a runtime check only: a no-op in its place (about 1.5 kB brotli).
    alias: command === 'build' ? [{ find: '@vue/devtools-api', replacement: fileURLToPath(new URL('./build/no-devtools.ts', import.meta.url)) }] : [],
  },
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
}))

/**
 * The messages (src/i18n/messages/*.ts) are compiled at build time, so the app ships
 * vue-i18n's runtime-only build without its message compiler (about 4 kB brotli off the
 * entry chunk); nothing is compiled in the browser. Composition API mode only (`legacy:
 * false`) and no global install of vue-i18n's components: main.ts registers the one in use
 * (<i18n-t>). Unit tests (vitest.config.ts) read the message files as they are.
 */
function vueI18n() {
  return VueI18nPlugin({
    include: [fileURLToPath(new URL('./src/i18n/messages/*.ts', import.meta.url))],
    runtimeOnly: true,
    dropMessageCompiler: true,
    compositionOnly: true,
    fullInstall: false,
  })
}
