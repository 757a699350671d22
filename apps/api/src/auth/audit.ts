import { createHash } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import type { AuditKind } from '@tokenauth/shared'
import type { AuditStore } from '../store/audit-store.js'
import type { Clock } from '../clock.js'

/** A short, one-way reference to a token or session id: enough to correlate, useless to replay. */
export function shortHash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex').slice(0, 12)
}

export interface AuditSubject {
  readonly userId?: number | null
  readonly username?: string | null
  /** A session handle or token; stored only as `shortHash`. */
  readonly secretRef?: string | null
  readonly detail?: string | null
}

/**
 * Events anyone can cause without signing in (a token with an unknown `kid`) are capped
 * at this many per minute, so they cannot fill the disk or bury real events; the rest go
 * to the request log only.
 */
export const UNAUTHENTICATED_EVENTS_PER_MINUTE = 10

/** Records security events with the request's time, IP and user agent. Never fails a request. */
export class AuditLog {
  readonly #store: AuditStore
  readonly #clock: Clock
  #windowStart = 0
  #inWindow = 0

  constructor(store: AuditStore, clock: Clock) {
    this.#store = store
    this.#clock = clock
  }

  /** Like `record`, within `UNAUTHENTICATED_EVENTS_PER_MINUTE` for this process. */
  recordUnauthenticated(request: FastifyRequest, kind: AuditKind, subject: AuditSubject = {}): void {
    const now = this.#clock()
    if (now - this.#windowStart >= 60_000) {
      this.#windowStart = now
      this.#inWindow = 0
    }
    if (++this.#inWindow > UNAUTHENTICATED_EVENTS_PER_MINUTE) {
      request.log.warn({ kind, detail: subject.detail }, 'audit event over the per-minute cap: logged here only')
      return
    }
    this.record(request, kind, subject)
  }

  record(request: FastifyRequest, kind: AuditKind, subject: AuditSubject = {}): void {
    try {
      this.#store.record({
        at: this.#clock(),
        kind,
        userId: subject.userId ?? null,
        username: subject.username ?? null,
        ip: request.ip,
        userAgent: request.headers['user-agent'] ?? null,
        ref: subject.secretRef ? shortHash(subject.secretRef) : null,
        detail: subject.detail ?? null,
      })
    } catch (error) {
      // An audit write must not turn a login into a 500; the log line keeps the event.
      request.log.error({ err: error, kind }, 'audit write failed')
    }
  }
}
