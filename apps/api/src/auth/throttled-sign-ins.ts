import type { FastifyRequest } from 'fastify'
import { RetryLaterError } from '../http/retry-later-error.js'
import type { AuditLog, AuditSubject } from './audit.js'

/**
 * Records a sign-in the throttle refused unchecked (429) as `login_throttled`, so the
 * security overview can count it; within the cap of unauthenticated events, since a
 * flood of them is exactly what an attacker can cause. Anything else is not recorded here.
 */
export async function auditIfThrottled(audit: AuditLog, request: FastifyRequest, error: unknown, subject: Omit<AuditSubject, 'detail'>): Promise<void> {
  if (!(error instanceof RetryLaterError) || error.statusCode !== 429) return
  await audit.recordUnauthenticated(request, 'login_throttled', { ...subject, detail: { reason: 'throttled', params: { retryAfterSeconds: error.retryAfterSeconds } } })
}
