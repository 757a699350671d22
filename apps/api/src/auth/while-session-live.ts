import { ApiError } from '../http/api-error.js'
import type { Services } from '../services.js'

/**
 * Runs `write` in one transaction with a check that the acting session still exists, for
 * handlers that wait (a password hash) between the token check and their write: a
 * session revoked meanwhile makes the write a 401 `revoked_token`, and nothing changes.
 */
export function whileSessionLive<T>(services: Services, sessionId: string, write: () => T): T {
  return services.db.transaction(() => {
    if (!services.sessions.findLiveView(sessionId)) throw new ApiError(401, 'revoked_token')
    return write()
  })()
}
