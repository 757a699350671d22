import pg from 'pg'
import type { PostgresPool, PostgresPoolClient } from 'kysely'
import { DependencyUnavailableError } from '../http/unavailable-error.js'
import { ApiError } from '../http/api-error.js'

/** A connection attempt that takes longer than this fails (→ 503), rather than hanging the request. */
export const CONNECT_TIMEOUT_MS = 2000
/** A statement running longer than this is cancelled by the server (→ 503). */
export const STATEMENT_TIMEOUT_MS = 5000
/** Waiting this long for a row or advisory lock is an outage, not a queue. */
export const LOCK_TIMEOUT_MS = 4000
/** Connections per process; several instances each open this many. */
export const POOL_SIZE = 10

const INT8_OID = 20

/**
 * A `pg` pool for `url`, with timeouts so that no request waits on an unreachable server
 * for more than a few seconds, and BIGINT (int8) read back as a number: ids and
 * millisecond times stay far below 2^53, and the stores compare them as numbers.
 */
export function createPgPool(url: string): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: POOL_SIZE,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    idleTimeoutMillis: 30_000,
    statement_timeout: STATEMENT_TIMEOUT_MS,
    lock_timeout: LOCK_TIMEOUT_MS,
    query_timeout: STATEMENT_TIMEOUT_MS + 1000,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  })
  // An idle client whose server went away emits 'error' on the pool; without a listener
  // that would crash the process. The next checkout connects afresh.
  pool.on('error', () => {})
  // A checked-out client whose connection dies between statements emits 'error' too, with
  // no listener of the pool's: its next query rejects (→ 503) and the pool drops it.
  pool.on('connect', (client) => client.on('error', () => {}))
  return pool
}

/**
 * The pool as Kysely's PostgresDialect sees it, with connection failures turned into
 * `DependencyUnavailableError('postgres')` (a 503 with Retry-After, never a 500). SQL
 * errors (a constraint, a typo) pass through unchanged.
 */
export function failClosedPool(pool: pg.Pool): PostgresPool {
  const wrapped = new WeakMap<pg.PoolClient, PostgresPoolClient>()
  return {
    options: pool.options,
    async connect() {
      let client: pg.PoolClient
      try {
        client = await pool.connect()
      } catch (error) {
        throw new DependencyUnavailableError('postgres', error)
      }
      let facade = wrapped.get(client)
      if (!facade) {
        const real = client
        facade = {
          get processID() {
            return (real as unknown as { processID?: number }).processID
          },
          release: (destroy?: boolean) => real.release(destroy),
          query: (async (sql: string, parameters: readonly unknown[]) => {
            try {
              return await real.query(sql, [...parameters])
            } catch (error) {
              throw isUnreachable(error) ? new DependencyUnavailableError('postgres', error) : unstorableText(error) ?? error
            }
          }) as unknown as PostgresPoolClient['query'],
        }
        wrapped.set(client, facade)
      }
      return facade
    },
    end: () => pool.end(),
  }
}

/**
 * PostgreSQL text cannot hold U+0000 (SQLite can): a NUL in a note, a session item or any
 * other text is the client's bad input, a 400, not a 500.
 */
export function unstorableText(error: unknown): ApiError | undefined {
  const code = (error as { code?: unknown }).code
  if (code !== '22021' && code !== '22P05') return undefined
  return new ApiError(400, 'bad_request', 'The text contains a character that cannot be stored (U+0000).')
}

/**
 * Whether an error means the server (or the connection to it) is gone or too slow, as
 * opposed to a statement it refused: connection exceptions (08…), operator intervention
 * (57…: terminated, shutting down, statement timeout), lock timeouts (55P03), and the
 * driver's own errors that carry no SQLSTATE.
 */
export function isUnreachable(error: unknown): boolean {
  if (error instanceof DependencyUnavailableError) return true
  const code = (error as { code?: unknown }).code
  if (typeof code === 'string') {
    if (/^[0-9A-Z]{5}$/.test(code)) return code.startsWith('08') || code.startsWith('57') || code === '55P03' || code === '53300'
    return true // ECONNREFUSED, ECONNRESET, ETIMEDOUT …
  }
  return error instanceof Error && /terminated|timeout|Connection|ECONN/i.test(error.message)
}
