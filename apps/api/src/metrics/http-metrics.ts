import fp from 'fastify-plugin'
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction, RouteOptions } from 'fastify'
import { MethodTally, type RequestTally } from './request-tally.js'

/** The label of requests no route matched (404s, and answers made before routing). */
export const UNMATCHED_ROUTE = 'unmatched'
/** Methods kept as they are in labels; any other (only 404s can have one) is `other`. */
const KNOWN_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])

/** One route pattern's tallies, by method label (the route's own methods, or `other`). */
class RouteSeries {
  readonly #byMethod: Map<string, MethodTally>

  constructor(route: string, tally: RequestTally) {
    this.#byMethod = tally.forRoute(route)
  }

  record(method: string, status: number, seconds: number): void {
    let tally = this.#byMethod.get(method)
    if (tally === undefined) {
      // Made-up methods (only a 404 can have one) share one entry: a flood of them adds nothing.
      const label = KNOWN_METHODS.has(method) ? method : 'other'
      tally = this.#byMethod.get(label) ?? new MethodTally()
      this.#byMethod.set(label, tally)
    }
    tally.record(status, seconds)
  }
}

const kRouteSeries = Symbol('tokenauth.routeSeries')
interface WithRouteSeries {
  readonly [kRouteSeries]?: RouteSeries
}

/**
 * Requests by route pattern (`/api/notes/:id`, never the raw URL: the label set stays
 * bounded whatever clients send), method and status, and their duration. Register before
 * any route: each route gets its series when it is added.
 */
export default fp<{ tally: RequestTally }>(
  async (app, { tally }) => {
    const unmatched = new RouteSeries(UNMATCHED_ROUTE, tally)
    app.addHook('onRoute', (route: RouteOptions) => {
      route.config = { ...route.config, [kRouteSeries]: new RouteSeries(route.url, tally) } as RouteOptions['config']
    })
    app.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
      const own = (request.routeOptions.config as WithRouteSeries | undefined)?.[kRouteSeries]
      ;(own ?? unmatched).record(request.method, reply.statusCode, reply.elapsedTime / 1000)
      done()
    })
  },
  { name: 'http-metrics' },
)
