import fp from 'fastify-plugin'
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
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

const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS'])

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
    function enforce(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
      const restriction = request.user?.restriction
      if (restriction === undefined) return done()
      const open = request.routeOptions.config.openWhileRestricted
      if (open !== undefined && open.includes(restriction)) return done()
      void reply.code(403).send(errorBody(restriction))
    }
    app.addHook('onRequest', enforce)
    // The token plugin checks a state-changing request again once its body is in (a
    // route-level preHandler it adds in its own onRoute); this one's onRoute runs after it,
    // so the restriction is judged again on that fresher principal too.
    app.addHook('onRoute', (route) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method]
      if (methods.every((method) => SAFE_METHODS.has(method))) return
      const before = route.preHandler === undefined ? [] : Array.isArray(route.preHandler) ? route.preHandler : [route.preHandler]
      route.preHandler = [...before, enforce]
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
