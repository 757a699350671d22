import type { Services } from './services.js'
import { inWriteTransaction, NO_SESSION } from './store/write-transaction.js'

const DAY_MS = 24 * 3600 * 1000

/** Deletes sessions past their timeouts, sign-in and WebAuthn challenges past theirs and audit events past retention; returns the counts. */
export async function pruneExpired(services: Services): Promise<{ sessions: number; signInChallenges: number; webauthnChallenges: number; auditEvents: number }> {
  const now = services.clock()
  const { sessionIdleTimeoutSeconds, auditRetentionDays } = services.config
  const sessions = await services.sessions.deleteExpired(now, sessionIdleTimeoutSeconds * 1000)
  services.metrics.sessionsEnded('expired', sessions)
  const signInChallenges = await inWriteTransaction(services.engine, NO_SESSION, (tx) => services.secondFactors.challenges.removeExpired(now, tx))
  const webauthnChallenges = await inWriteTransaction(services.engine, NO_SESSION, (tx) => services.passkeys.challenges.removeExpired(now, tx))
  return { sessions, signInChallenges, webauthnChallenges, auditEvents: await services.auditStore.prune(now - auditRetentionDays * DAY_MS) }
}
