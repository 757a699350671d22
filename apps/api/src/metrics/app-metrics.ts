import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import { RequestTally, aggregatedText } from './request-tally.js'

/** How a sign-in ended: the server-side reasons, which the client never sees apart. */
export type SignInOutcome = 'success' | 'unknown_user' | 'wrong_password' | 'user_disabled' | 'credentials_changed' | 'throttled' | 'busy' | 'unavailable'

/** Why sessions ended. */
export type SessionEndReason =
  | 'logout'
  | 'idle_timeout'
  | 'absolute_timeout'
  | 'user_disabled'
  | 'replayed'
  | 'revoked'
  | 'revoked_by_admin'
  | 'password_changed'
  | 'password_reset'
  | 'expired'

/** The stores whose failures are counted. */
export type StoreEngine = 'sqlite' | 'postgres' | 'redis'

/** What the server counts as it runs. With metrics off every method does nothing. */
export interface AppMetrics {
  readonly enabled: boolean
  authRefused(code: string): void
  signIn(outcome: SignInOutcome): void
  sessionStarted(): void
  sessionsEnded(reason: SessionEndReason, count?: number): void
  storeError(engine: StoreEngine): void
  hashWaited(seconds: number): void
}

/** What the scrape-time gauges read: passed in, so this file knows no store. */
export interface MetricsSources {
  /** Live sessions in the database (every thread and instance sees the same number). */
  liveSessions(): Promise<number>
  hashLoad(): { readonly running: number; readonly queued: number }
  /** Mean event-loop delay (ms) and V8 heap in use (bytes) of this thread, as load shedding samples them. */
  load(): { readonly eventLoopDelay: number; readonly heapUsed: number }
}


/** The metrics of one server thread, in a registry of their own. */
export class PrometheusMetrics implements AppMetrics {
  readonly enabled = true
  readonly registry = new Registry()
  /** The request series, written by `http-metrics.ts` on every answer. */
  readonly tally = new RequestTally()
  readonly #authRefusals: Counter<'code'>
  readonly #signIns: Counter<'outcome'>
  readonly #sessionsStarted: Counter
  readonly #sessionsEnded: Counter<'reason'>
  readonly #storeErrors: Counter<'engine'>
  readonly #hashWait: Histogram

  /**
   * `processMetrics`: also prom-client's default process and Node.js series. Under
   * `WORKERS=N` only the main thread collects them: CPU and memory are the process's, and
   * counting them once per thread would multiply them.
   */
  constructor(sources: MetricsSources, { processMetrics }: { processMetrics: boolean }) {
    const registers = [this.registry]
    if (processMetrics) collectDefaultMetrics({ register: this.registry })
    this.#authRefusals = new Counter({ name: 'tokenauth_auth_refusals_total', help: 'Requests refused with 401 or 403, by reason code.', labelNames: ['code'], registers })
    this.#signIns = new Counter({ name: 'tokenauth_sign_ins_total', help: 'Password sign-ins by outcome.', labelNames: ['outcome'], registers })
    this.#sessionsStarted = new Counter({ name: 'tokenauth_sessions_started_total', help: 'Server sessions started (sign-ins and first-admin setup).', registers })
    this.#sessionsEnded = new Counter({ name: 'tokenauth_sessions_ended_total', help: 'Server sessions ended, by reason.', labelNames: ['reason'], registers })
    this.#storeErrors = new Counter({ name: 'tokenauth_store_errors_total', help: 'Requests that failed because a store could not be used, by engine.', labelNames: ['engine'], registers })
    this.#hashWait = new Histogram({ name: 'tokenauth_hash_queue_wait_seconds', help: 'Time a password hash waited for a slot.', buckets: [0, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers })
    new Gauge({
      name: 'tokenauth_live_sessions',
      help: 'Live server sessions in the database (read at scrape time).',
      registers,
      // Every thread reads the same database: the aggregate is one reading, not their sum.
      aggregator: 'max',
      async collect() {
        this.set(await sources.liveSessions())
      },
    })
    new Gauge({
      name: 'tokenauth_hash_queue_length',
      help: 'Password hashes waiting for a slot now.',
      registers,
      collect() {
        this.set(sources.hashLoad().queued)
      },
    })
    new Gauge({
      name: 'tokenauth_hash_running',
      help: 'Password hashes being computed now.',
      registers,
      collect() {
        this.set(sources.hashLoad().running)
      },
    })
    new Gauge({
      name: 'tokenauth_event_loop_delay_seconds',
      help: 'Mean event-loop delay over the last second, as load shedding sees it (the worst thread under WORKERS).',
      registers,
      aggregator: 'max',
      collect() {
        this.set(sources.load().eventLoopDelay / 1000)
      },
    })
    new Gauge({
      name: 'tokenauth_heap_used_bytes',
      help: 'V8 heap in use by the server threads.',
      registers,
      collect() {
        this.set(sources.load().heapUsed)
      },
    })
  }

  /** This thread's series as JSON, for the main thread of `WORKERS=N` to merge. */
  async json(): Promise<object[]> {
    return [...(await this.registry.getMetricsAsJSON()), ...this.tally.toJSON()]
  }

  /** This thread's series as Prometheus text. */
  async text(): Promise<string> {
    return (await this.registry.metrics()) + (await aggregatedText([this.tally.toJSON()]))
  }

  authRefused(code: string): void {
    this.#authRefusals.inc({ code })
  }

  signIn(outcome: SignInOutcome): void {
    this.#signIns.inc({ outcome })
  }

  sessionStarted(): void {
    this.#sessionsStarted.inc()
  }

  sessionsEnded(reason: SessionEndReason, count = 1): void {
    if (count > 0) this.#sessionsEnded.inc({ reason }, count)
  }

  storeError(engine: StoreEngine): void {
    this.#storeErrors.inc({ engine })
  }

  hashWaited(seconds: number): void {
    this.#hashWait.observe(seconds)
  }
}

/** Metrics off: nothing is counted and nothing is served. */
export const noMetrics: AppMetrics = {
  enabled: false,
  authRefused() {},
  signIn() {},
  sessionStarted() {},
  sessionsEnded() {},
  storeError() {},
  hashWaited() {},
}
