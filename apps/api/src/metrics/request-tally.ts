import { AggregatorRegistry, type Aggregator } from 'prom-client'

/** One series family in the shape of prom-client's `getMetricsAsJSON()`, which `AggregatorRegistry.aggregate` merges. */
export interface SeriesJson {
  readonly name: string
  readonly help: string
  readonly type: 'counter' | 'histogram'
  readonly aggregator: Aggregator
  readonly values: ReadonlyArray<{ readonly value: number; readonly labels: Readonly<Record<string, string | number>>; readonly metricName?: string }>
}

export const DURATION_BUCKETS: readonly number[] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

const REQUESTS = 'tokenauth_http_requests_total'
const DURATION = 'tokenauth_http_request_duration_seconds'

/** One route pattern and method: answers by status, and the duration histogram (per-bucket counts). */
export class MethodTally {
  readonly byStatus = new Map<number, { count: number }>()
  /** One slot per bucket, and a last one for above the largest. */
  readonly buckets = new Float64Array(DURATION_BUCKETS.length + 1)
  sum = 0
  count = 0

  record(status: number, seconds: number): void {
    let cell = this.byStatus.get(status)
    if (cell === undefined) this.byStatus.set(status, (cell = { count: 0 }))
    cell.count++
    let i = 0
    while (i < DURATION_BUCKETS.length && seconds > (DURATION_BUCKETS[i] ?? Infinity)) i++
    this.buckets[i] = (this.buckets[i] ?? 0) + 1
    this.sum += seconds
    this.count++
  }
}

/**
 * The request series, kept as plain numbers and turned into prom-client's JSON only when
 * scraped: an answer costs two map reads and a few additions instead of prom-client's
 * label hashing (a string built and looked up per observation, per series).
 */
export class RequestTally {
  readonly #routes: Array<{ readonly route: string; readonly byMethod: Map<string, MethodTally> }> = []

  /** A route pattern's tallies by method label, for the caller to keep and fill. */
  forRoute(route: string): Map<string, MethodTally> {
    const byMethod = new Map<string, MethodTally>()
    this.#routes.push({ route, byMethod })
    return byMethod
  }

  toJSON(): SeriesJson[] {
    // Several routes can share a pattern and method (the SPA's GET and HEAD, say): add them up.
    const merged = new Map<string, { route: string; method: string; parts: MethodTally[] }>()
    for (const { route, byMethod } of this.#routes) {
      for (const [method, tally] of byMethod) {
        if (tally.count === 0) continue
        const key = `${method} ${route}`
        const entry = merged.get(key) ?? { route, method, parts: [] }
        entry.parts.push(tally)
        merged.set(key, entry)
      }
    }
    const requests: SeriesJson['values'][number][] = []
    const duration: SeriesJson['values'][number][] = []
    for (const { route, method, parts } of merged.values()) {
      const statuses = new Map<number, number>()
      const buckets = new Array<number>(DURATION_BUCKETS.length + 1).fill(0)
      let sum = 0
      let count = 0
      for (const part of parts) {
        for (const [status, cell] of part.byStatus) statuses.set(status, (statuses.get(status) ?? 0) + cell.count)
        part.buckets.forEach((n, i) => (buckets[i] = (buckets[i] ?? 0) + n))
        sum += part.sum
        count += part.count
      }
      for (const [status, n] of statuses) requests.push({ value: n, labels: { route, method, status: String(status) } })
      let cumulative = 0
      DURATION_BUCKETS.forEach((le, i) => {
        cumulative += buckets[i] ?? 0
        duration.push({ value: cumulative, metricName: `${DURATION}_bucket`, labels: { le, route, method } })
      })
      duration.push({ value: count, metricName: `${DURATION}_bucket`, labels: { le: '+Inf', route, method } })
      duration.push({ value: sum, metricName: `${DURATION}_sum`, labels: { route, method } })
      duration.push({ value: count, metricName: `${DURATION}_count`, labels: { route, method } })
    }
    return [
      { name: REQUESTS, help: 'Answered requests by route pattern, method and status.', type: 'counter', aggregator: 'sum', values: requests },
      { name: DURATION, help: 'Time from the request to its answer, by route pattern and method.', type: 'histogram', aggregator: 'sum', values: duration },
    ]
  }
}

/** Prometheus text of registries' JSON (one array per thread), counters and histograms summed. */
export function aggregatedText(registries: readonly (readonly object[])[]): Promise<string> {
  return AggregatorRegistry.aggregate(registries.map((registry) => [...registry])).metrics()
}
