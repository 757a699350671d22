import fp from 'fastify-plugin'
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction, RouteOptions } from 'fastify'
import type { RequestSeries } from './app-metrics.js'

/** The label of requests no route matched (404s, and answers made before routing). */
export const UNMATCHED_ROUTE = 'unmatched'
/** Methods kept as they are in labels; any other (only 404s can have one) is `other`. */
const KNOWN_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])

interface Increment {
  inc(): void
}
interface Observe {
  observe(value: number): void
}

/**
 * One route pattern's series, their label sets resolved once (per method, per status)
 * and kept: an answer costs two map reads, an increment and an observation.
 */
class RouteSeries {
  readonly #route: string
  readonly #series: RequestSeries
  readonly #byMethod = new Map<string, { duration: Observe; byStatus: Map<number, Increment> }>()

  constructor(route: string, series: RequestSeries) {
    this.#route = route
    this.#series = series
  }

  record(method: string, status: number, seconds: number): void {
    // Made-up methods (only a 404 can have one) share one entry: a flood of them adds nothing.
    const label = KNOWN_METHODS.has(method) ? method : 'other'
    let forMethod = this.#byMethod.get(label)
    if (forMethod === undefined) {
      forMethod = { duration: this.#series.duration.labels(this.#route, label), byStatus: new Map() }
      this.#byMethod.set(label, forMethod)
    }
    let counter = forMethod.byStatus.get(status)
    if (counter === undefined) {
      counter = this.#series.requests.labels(this.#route, label, String(status))
      forMethod.byStatus.set(status, counter)
    }
    counter.inc()
    forMethod.duration.observe(seconds)
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
export default fp<{ series: RequestSeries }>(
  async (app, { series }) => {
    const unmatched = new RouteSeries(UNMATCHED_ROUTE, series)
    app.addHook('onRoute', (route: RouteOptions) => {
      route.config = { ...route.config, [kRouteSeries]: new RouteSeries(route.url, series) } as RouteOptions['config']
    })
    app.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
      const own = (request.routeOptions.config as WithRouteSeries | undefined)?.[kRouteSeries]
      ;(own ?? unmatched).record(request.method, reply.statusCode, reply.elapsedTime / 1000)
      done()
    })
  },
  { name: 'http-metrics' },
)
