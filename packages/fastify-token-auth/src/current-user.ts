import type { FastifyRequest } from 'fastify'
import type { TokenAuthPrincipal } from './types.js'

/**
 * `request.user` on a route whose rule guarantees one (`required` or roles), like
 * flask-httpauth's `auth.current_user()`. Throws (a 500) if there is none, which means
 * the route's rule is `public` or `optional` and the handler should read `request.user`.
 */
export function currentUser(request: FastifyRequest): TokenAuthPrincipal {
  const user = request.user
  if (user === null) {
    throw new Error(
      `currentUser: ${request.method} ${request.routeOptions.url ?? request.url} has no authenticated user; ` +
        "on a 'public' or 'optional' route read request.user instead",
    )
  }
  return user
}
