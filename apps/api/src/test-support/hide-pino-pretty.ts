import { registerHooks } from 'node:module'

/**
 * A `--import` probe that makes `pino-pretty` impossible to resolve, by `import` or by
 * `require`, as on a production host installed without it.
 */
registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier === 'pino-pretty' || specifier.startsWith('pino-pretty/')) {
      throw Object.assign(new Error(`Cannot find package '${specifier}' (hidden by test-support/hide-pino-pretty.ts)`), { code: 'MODULE_NOT_FOUND' })
    }
    return nextResolve(specifier, context)
  },
})
