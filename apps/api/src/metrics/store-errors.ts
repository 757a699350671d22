import Database from 'better-sqlite3'
import pg from 'pg'
import type { VerifyAccessToken } from '../auth/verify-access-token.js'
import { DependencyUnavailableError } from '../http/unavailable-error.js'
import type { AppMetrics, StoreEngine } from './app-metrics.js'

/** Which store an error came from, when it came from one: unreachable, or refusing a statement. */
export function storeEngineOf(error: unknown): StoreEngine | undefined {
  if (error instanceof DependencyUnavailableError) return error.dependency
  if (error instanceof Database.SqliteError) return 'sqlite'
  if (error instanceof pg.DatabaseError) return 'postgres'
  return undefined
}

/**
 * The token check with its store failures counted. The plugin turns a throw into its own
 * 503 without the app's error handler, so they are counted here; the common answer is
 * synchronous and passes through untouched.
 */
export function countStoreErrors(verify: VerifyAccessToken, metrics: AppMetrics): VerifyAccessToken {
  const count = (error: unknown): never => {
    const engine = storeEngineOf(error)
    if (engine !== undefined) metrics.storeError(engine)
    throw error
  }
  return (token, request) => {
    try {
      const result = verify(token, request)
      return result instanceof Promise ? result.catch(count) : result
    } catch (error) {
      return count(error)
    }
  }
}
