import { compiledRuleAdmits } from '@tokenauth/fastify-token-auth'
import type { Permission } from '@tokenauth/shared'
import type { FastifyInstance } from 'fastify'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The permission this route belongs to (`GET /api/me/permissions`). */
    permission?: Permission
  }
}

/**
 * The permissions the routes declare, each with the rules of its routes as the token
 * plugin compiled them: a person holds a permission when their roles pass every one. One
 * source for "may I?" — the rule that refuses a request also hides its button.
 */
export class PermissionIndex {
  readonly #routes = new Map<Permission, unknown[]>()

  /** Records a route's compiled config under the permission it declares. */
  add(permission: Permission, routeConfig: unknown): void {
    const configs = this.#routes.get(permission) ?? []
    configs.push(routeConfig)
    this.#routes.set(permission, configs)
  }

  /** The permissions `roles` hold, in name order. */
  granted(roles: readonly string[]): Permission[] {
    return [...this.#routes]
      .filter(([, configs]) => configs.every((config) => compiledRuleAdmits(config, roles)))
      .map(([permission]) => permission)
      .sort()
  }
}

/**
 * Collects every route added from now on that declares a `permission`. Add it after the
 * token plugin, so that its `onRoute` hook has compiled the rule first.
 */
export function collectPermissions(app: FastifyInstance): PermissionIndex {
  const index = new PermissionIndex()
  app.addHook('onRoute', (route) => {
    const permission = route.config?.permission
    if (permission !== undefined) index.add(permission, route.config)
  })
  return index
}
