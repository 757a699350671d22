import type { FastifyRequest } from 'fastify'
import type { TokenAuthPrincipal } from './types.js'

/** Where the plugin records its `decoratorName`, so `currentUser` reads the right property. */
export const kPrincipalProperty = Symbol('tokenauth.principalProperty')

/** A request as the plugin decorates it, whatever name the principal has. */
export interface WithPrincipalProperty {
  readonly [kPrincipalProperty]?: string
  [name: string]: unknown
}

/**
 * `request.user` (or the plugin's `decoratorName`) on a route whose rule guarantees one
 * (`required` or roles), like flask-httpauth's `auth.current_user()`. Throws (a 500) if
 * there is none, which means the route's rule is `public` or `optional` and the handler
 * should read `request.user`, or the plugin is not registered in the route's context.
 */
export function currentUser(request: FastifyRequest): TokenAuthPrincipal {
  const decorated = request as unknown as WithPrincipalProperty
  const name = decorated[kPrincipalProperty]
  const user = name === undefined ? undefined : (decorated[name] as TokenAuthPrincipal | null | undefined)
  if (user === null || user === undefined) {
    throw new Error(
      `currentUser: ${request.method} ${request.routeOptions.url ?? request.url} has no authenticated user; ` +
        `on a 'public' or 'optional' route read request.${name ?? 'user'} instead`,
    )
  }
  return user
}
