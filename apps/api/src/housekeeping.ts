import type { Services } from './services.js'

const DAY_MS = 24 * 3600 * 1000

/** Deletes sessions past their timeouts and audit events past retention; returns the counts. */
export async function pruneExpired(services: Services): Promise<{ sessions: number; auditEvents: number }> {
  const now = services.clock()
  const { sessionIdleTimeoutSeconds, auditRetentionDays } = services.config
  const sessions = await services.sessions.deleteExpired(now, sessionIdleTimeoutSeconds * 1000)
  services.metrics.sessionsEnded('expired', sessions)
  return { sessions, auditEvents: await services.auditStore.prune(now - auditRetentionDays * DAY_MS) }
}
