import { ApiError } from '../http/api-error.js'
import type { Services } from '../services.js'
import type { Queryable } from '../store/tables.js'
import { inWriteTransaction, lockForTransaction, LOCK_KEYS } from '../store/write-transaction.js'

/**
 * Runs `write` in one transaction with a check that the acting session still exists, for
 * handlers that wait (a password hash) between the token check and their write: a
 * session revoked meanwhile makes the write a 401 `revoked_token`, and nothing changes.
 * The session's row is held (FOR UPDATE on PostgreSQL) so a revocation on another
 * instance cannot slip in between the check and the write. `credentialsOf` names the user
 * whose password the write changes: such writes for one user run one at a time (taken
 * before any row lock, so two of them never wait on each other's sessions), and of two
 * sessions changing it at once, the first ends the other, which then answers 401.
 */
export async function whileSessionLive<T>(
  services: Services,
  sessionId: string,
  write: (q: Queryable) => Promise<T>,
  credentialsOf?: number,
): Promise<T> {
  return inWriteTransaction(services.engine, async (q) => {
    if (credentialsOf !== undefined) await lockForTransaction(services.engine, q, LOCK_KEYS.userCredentials, credentialsOf)
    if (!(await services.sessions.lockExisting(sessionId, q))) throw new ApiError(401, 'revoked_token')
    return write(q)
  })
}
