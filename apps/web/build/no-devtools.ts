/**
 * What the production build resolves `@vue/devtools-api` to (vite.config.ts): vuex,
 * vue-router and vue-i18n import `setupDevtoolsPlugin` from it, and only call it when the
 * devtools are on, which `__VUE_PROD_DEVTOOLS__: false` rules out in a build; vuex's call is
 * behind a runtime check, so the package's code would ship anyway.
 */
export function setupDevtoolsPlugin(): void {}
