import diagnostics from 'node:diagnostics_channel'
import type { FastifyInstance, RouteOptions } from 'fastify'

/** A route as the app declared it: enough to aim requests at it. */
export interface CollectedRoute {
  readonly method: string
  /** With its prefix and `:params`, e.g. `/api/notes/:id`. */
  readonly url: string
  /** The `config.auth` rule, or undefined for a route another plugin added. */
  readonly auth: unknown
  /** Property names of the body schema, when it is an object schema. */
  readonly bodyKeys: readonly string[]
}

/**
 * Every route that `build` adds to the Fastify instances it creates, collected with an
 * `onRoute` hook that Fastify's `fastify.initialization` diagnostics channel lets us add
 * before any plugin runs. So a suite built on it covers new routes without being told.
 * @see https://fastify.dev/docs/latest/Reference/Hooks/#diagnostics-channel-hooks
 */
export async function collectRoutes<T>(build: () => Promise<T>): Promise<{ result: T; routes: CollectedRoute[] }> {
  const routes: CollectedRoute[] = []
  const onInit = (message: unknown) => {
    const { fastify } = message as { fastify: FastifyInstance }
    fastify.addHook('onRoute', (route: RouteOptions) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method]
      const body = route.schema?.body as { properties?: Record<string, unknown> } | undefined
      for (const method of methods) {
        routes.push({ method, url: route.url, auth: route.config?.auth, bodyKeys: Object.keys(body?.properties ?? {}) })
      }
    })
  }
  diagnostics.subscribe('fastify.initialization', onInit)
  try {
    return { result: await build(), routes }
  } finally {
    diagnostics.unsubscribe('fastify.initialization', onInit)
  }
}
