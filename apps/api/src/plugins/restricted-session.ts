import fp from 'fastify-plugin'
import type { Restriction } from '@tokenauth/shared'
import { errorBody } from '../http/api-error.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The restrictions under which the route stays open. A restricted session (see
     * `Restriction`) is refused everywhere else: a route says so, or it is closed.
     */
    openWhileRestricted?: readonly Restriction[]
  }
}

/**
 * A restricted session: a signed-in token that can do nothing but one thing until it is
 * done (choose a new password, enrol a second factor). The principal's `restriction` is
 * derived from the account's state on the request's own session read, never from the token,
 * so a token renewed through the cookie is restricted the same, and the write that changes
 * the state lifts it for the same session on its next request. Fail closed: a route that
 * does not name the restriction answers 403 with its code.
 *
 * Registered right after the token plugin, so that its `onRequest` hook runs after the one
 * that sets `request.user`.
 */
export default fp(
  async (app) => {
    app.addHook('onRequest', (request, reply, done) => {
      const restriction = request.user?.restriction
      if (restriction === undefined) return done()
      const open = request.routeOptions.config.openWhileRestricted
      if (open !== undefined && open.includes(restriction)) return done()
      void reply.code(403).send(errorBody(restriction))
    })
  },
  { name: 'restricted-session', dependencies: ['@tokenauth/fastify-token-auth'] },
)

/** Routes that lift or inspect the restriction, and the ones every restricted session needs. */
export const OPEN_WHILE_RESTRICTED = {
  always: ['password_change_required', 'second_factor_enrolment_required'],
  passwordChange: ['password_change_required'],
  enrolment: ['second_factor_enrolment_required'],
} as const satisfies Record<string, readonly Restriction[]>
