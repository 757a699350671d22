import { RetryLaterError } from './retry-later-error.js'

/** Seconds a client is told to wait when a dependency (PostgreSQL, Redis) is unreachable. */
export const DEPENDENCY_RETRY_AFTER_SECONDS = 5

/**
 * A 503 `service_unavailable` with `Retry-After`: a store the answer depends on could not
 * be reached, so nothing is decided (fail closed) and the client may try again shortly.
 * The dependency's own error stays in `cause` for the log, never on the wire.
 */
export class DependencyUnavailableError extends RetryLaterError {
  override name = 'DependencyUnavailableError'
  constructor(
    readonly dependency: 'postgres' | 'redis' | 'sqlite',
    cause?: unknown,
  ) {
    super(503, 'service_unavailable', DEPENDENCY_RETRY_AFTER_SECONDS, 'A service the answer depends on is unreachable. Try again shortly.')
    this.cause = cause
  }
}
