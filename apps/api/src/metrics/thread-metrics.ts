import { parentPort, type Worker } from 'node:worker_threads'
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client'
import { aggregatedText } from './request-tally.js'

/** One thread's series in the shape of prom-client's `getMetricsAsJSON()`: plain data, which postMessage copies. */
type MetricsJson = readonly object[]

/** What the threads of `WORKERS=N` say to each other about metrics. */
type MetricsMessage =
  /** main → worker: send your registry. */
  | { readonly type: 'metrics-request'; readonly id: number }
  /** worker → main: here it is. */
  | { readonly type: 'metrics'; readonly id: number; readonly metrics: MetricsJson }
  /** worker → main: a scrape reached me (`/api/metrics`): gather the whole process. */
  | { readonly type: 'scrape-request'; readonly id: number }
  /** main → worker: the whole process, as Prometheus text. */
  | { readonly type: 'scrape'; readonly id: number; readonly text: string }

/** A worker that has not answered within this is left out of the scrape (it may be starting or stuck). */
const WORKER_ANSWER_MS = 2000

function isMessage<T extends MetricsMessage['type']>(value: unknown, type: T): value is Extract<MetricsMessage, { type: T }> {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === type && typeof (value as { id?: unknown }).id === 'number'
}

/** In a worker thread: answers the main thread's requests with this thread's series. */
export function answerMetricsRequests(json: () => Promise<MetricsJson>): void {
  const port = parentPort
  port?.on('message', (message: unknown) => {
    if (!isMessage(message, 'metrics-request')) return
    const answer = (metrics: MetricsJson): void => port.postMessage({ type: 'metrics', id: message.id, metrics } satisfies MetricsMessage)
    json().then(answer, () => answer([]))
  })
}

/** In a worker thread: a scrape of the whole process, gathered by the main thread. */
export function scrapeThroughMainThread(): () => Promise<string> {
  const port = parentPort
  if (!port) throw new Error('scrapeThroughMainThread runs in a worker thread only')
  let nextId = 0
  const pending = new Map<number, (text: string) => void>()
  port.on('message', (message: unknown) => {
    if (!isMessage(message, 'scrape')) return
    pending.get(message.id)?.(message.text)
    pending.delete(message.id)
  })
  return () =>
    new Promise<string>((resolve, reject) => {
      const id = nextId++
      const timer = setTimeout(() => {
        pending.delete(id)
        reject(new Error('the main thread did not gather the metrics in time'))
      }, WORKER_ANSWER_MS * 2)
      pending.set(id, (text) => {
        clearTimeout(timer)
        resolve(text)
      })
      port.postMessage({ type: 'scrape-request', id } satisfies MetricsMessage)
    })
}

/**
 * The main thread of `WORKERS=N`: one scrape is the whole process. It asks every worker
 * for its series over the worker's MessagePort, merges them with prom-client's
 * `AggregatorRegistry.aggregate` (counters and histograms summed; each gauge as it
 * declares), and adds its own: the process and Node.js series, collected here once.
 * prom-client's own cluster aggregator speaks node:cluster IPC, which threads do not have.
 */
export class ThreadMetricsGatherer {
  readonly #own = new Registry()
  readonly #workers = new Set<Worker>()
  #nextId = 0

  constructor() {
    collectDefaultMetrics({ register: this.#own })
    const workers = this.#workers
    new Gauge({
      name: 'tokenauth_worker_threads',
      help: 'Worker threads serving the API in this process.',
      registers: [this.#own],
      collect() {
        this.set(workers.size)
      },
    })
  }

  /** A worker started: include it, and gather for its `/api/metrics` when it asks. */
  add(worker: Worker): void {
    this.#workers.add(worker)
    worker.once('exit', () => this.#workers.delete(worker))
    worker.on('message', (message: unknown) => {
      if (!isMessage(message, 'scrape-request')) return
      void this.gather().then(
        (text) => worker.postMessage({ type: 'scrape', id: message.id, text } satisfies MetricsMessage),
        () => undefined,
      )
    })
  }

  async gather(): Promise<string> {
    const id = this.#nextId++
    const answers = await Promise.all([...this.#workers].map((worker) => this.#ask(worker, id)))
    return (await this.#own.metrics()) + (await aggregatedText(answers.filter((answer) => answer !== undefined)))
  }

  #ask(worker: Worker, id: number): Promise<MetricsJson | undefined> {
    return new Promise((resolve) => {
      const finish = (metrics: MetricsJson | undefined): void => {
        clearTimeout(timer)
        worker.off('message', onMessage)
        resolve(metrics)
      }
      const onMessage = (message: unknown): void => {
        if (isMessage(message, 'metrics') && message.id === id) finish(message.metrics)
      }
      const timer = setTimeout(() => finish(undefined), WORKER_ANSWER_MS)
      worker.on('message', onMessage)
      worker.postMessage({ type: 'metrics-request', id } satisfies MetricsMessage)
    })
  }
}
