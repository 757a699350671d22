import diagnostics from 'node:diagnostics_channel'
import type { FastifyInstance, RouteHandlerMethod } from 'fastify'

/** The header that names the hold a request waits at when its handler starts. */
export const HOLD_HEADER = 'x-test-hold'

/** A request held at the start of its handler: `reached` once it is there, `release` lets it go on. */
export interface HandlerHold {
  readonly reached: Promise<undefined>
  release(): void
}

/** A promise and the function that settles it: a point a test waits for, or lets go. */
export interface Latch {
  readonly promise: Promise<undefined>
  open(): void
}

export function latch(): Latch {
  let open = (): void => {}
  const promise = new Promise<undefined>((resolve) => {
    open = () => resolve(undefined)
  })
  return { promise, open }
}

/** Holds for the requests that name one in `HOLD_HEADER`. */
export interface HandlerHolds {
  /** Arms a hold; the next request with `HOLD_HEADER: name` waits there. */
  hold(name: string): HandlerHold
}

/**
 * Builds an app with `build` whose every route handler, for a request that names a hold,
 * first waits until the test releases it: after every hook (the plugin's checks after
 * the body included), where a slow handler waits on a hash or a lock. No timing guess:
 * the test acts once `reached` settles.
 */
export async function withHandlerHolds<T>(build: () => Promise<T>): Promise<{ result: T; holds: HandlerHolds }> {
  const armed = new Map<string, { arrived: () => void; gate: Promise<undefined> }>()
  const onInit = (message: unknown) => {
    const { fastify } = message as { fastify: FastifyInstance }
    fastify.addHook('onRoute', (route) => {
      const handler = route.handler
      const held: RouteHandlerMethod = function (this: FastifyInstance, request, reply) {
        const name = request.headers[HOLD_HEADER]
        const hold = typeof name === 'string' ? armed.get(name) : undefined
        if (hold === undefined) return handler.call(this, request, reply)
        armed.delete(name as string)
        hold.arrived()
        return hold.gate.then(() => handler.call(this, request, reply))
      }
      route.handler = held
    })
  }
  diagnostics.subscribe('fastify.initialization', onInit)
  try {
    const result = await build()
    return {
      result,
      holds: {
        hold(name) {
          const reached = latch()
          const gate = latch()
          armed.set(name, { arrived: reached.open, gate: gate.promise })
          return { reached: reached.promise, release: gate.open }
        },
      },
    }
  } finally {
    diagnostics.unsubscribe('fastify.initialization', onInit)
  }
}
