/**
 * The wire contract between the SPA and the API: every request, response and error,
 * as TypeBox schemas (validated and serialized by Fastify) and `Static<>` types.
 */
export * from './wire-names.js'
export * from './limits.js'
export * from './errors.js'
export * from './error-codes.js'
export * from './user.js'
export * from './auth.js'
export * from './notes.js'
export * from './users.js'
export * from './setup.js'
export * from './session-data.js'
export * from './cookies.js'
export * from './client-description.js'
export * from './sessions.js'
export * from './account.js'
export * from './audit-reasons.js'
export * from './audit.js'
export * from './passkeys.js'
export * from './second-factor.js'
export * from './security-summary.js'
export * from './permissions.js'
