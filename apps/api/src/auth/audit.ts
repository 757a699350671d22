import { createHash } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import type { AuditDetail, AuditKind } from '@tokenauth/shared'
import type { AuditStore, NewAuditEvent } from '../store/audit-store.js'
import { storedUserAgent } from './user-agent.js'
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
  /** Why, or who caused it: a reason code, never words. */
  readonly detail?: AuditDetail | null
}


/**
 * Events a signed-in account causes by using its own sessions, as often as it likes:
 * capped per account. The rest (password and role changes, a replayed renewal, an
 * admin's actions) are never dropped; each is bounded by its own throttle or role.
 */
const ACCOUNT_CAPPED_KINDS: ReadonlySet<AuditKind> = new Set<AuditKind>(['login_succeeded', 'logout', 'token_renewed', 'session_ended'])

/** Records security events with the request's time, IP and user agent. Never fails a request. */
export class AuditLog {
  readonly #store: AuditStore
  readonly #clock: Clock
  readonly #unauthenticatedPerMinute: number
  readonly #perAccountPerMinute: number
  #windowStart = 0
  #inWindow = 0
  /** Capped events per account in the current minute; emptied each minute, so it holds at most the accounts active in one. */
  #accountWindowStart = 0
  readonly #inAccountWindow = new Map<number, number>()

  /**
   * `unauthenticatedPerMinute` caps, for this process, the events anyone can cause without
   * signing in (failed sign-ins, tokens with an unknown `kid`), whatever address they come
   * from, so they cannot fill the disk or bury real events; the rest go to the request log.
   * `perAccountPerMinute` caps likewise what one account causes by signing in, renewing
   * and ending its own sessions (`ACCOUNT_CAPPED_KINDS`).
   */
  constructor(store: AuditStore, clock: Clock, unauthenticatedPerMinute: number, perAccountPerMinute = Number.POSITIVE_INFINITY) {
    this.#store = store
    this.#clock = clock
    this.#unauthenticatedPerMinute = unauthenticatedPerMinute
    this.#perAccountPerMinute = perAccountPerMinute
  }

  /** Like `record`, within the per-minute cap of unauthenticated events. */
  recordUnauthenticated(request: FastifyRequest, kind: AuditKind, subject: AuditSubject = {}): Promise<void> {
    const now = this.#clock()
    if (now - this.#windowStart >= 60_000) {
      this.#windowStart = now
      this.#inWindow = 0
    }
    if (++this.#inWindow > this.#unauthenticatedPerMinute) {
      request.log.warn({ kind, detail: subject.detail }, 'audit event over the per-minute cap: logged here only')
      return Promise.resolve()
    }
    return this.#record(request, kind, subject)
  }

  /** Records the event; one of `ACCOUNT_CAPPED_KINDS` only within its account's per-minute cap. */
  record(request: FastifyRequest, kind: AuditKind, subject: AuditSubject = {}): Promise<void> {
    const userId = subject.userId
    if (userId != null && ACCOUNT_CAPPED_KINDS.has(kind) && this.#overAccountCap(userId)) {
      request.log.warn({ kind, userId, detail: subject.detail }, 'audit event over the per-account cap: logged here only')
      return Promise.resolve()
    }
    return this.#record(request, kind, subject)
  }

  #overAccountCap(userId: number): boolean {
    const now = this.#clock()
    if (now - this.#accountWindowStart >= 60_000) {
      this.#accountWindowStart = now
      this.#inAccountWindow.clear()
    }
    const count = (this.#inAccountWindow.get(userId) ?? 0) + 1
    this.#inAccountWindow.set(userId, count)
    return count > this.#perAccountPerMinute
  }

  #record(request: FastifyRequest, kind: AuditKind, subject: AuditSubject): Promise<void> {
    return this.#write(request, kind, () => this.#store.record(this.#event(request, kind, subject)))
  }

  /** A renewal replaces the session's previous renewal event (see `AuditStore.recordRenewal`). */
  recordRenewal(request: FastifyRequest, subject: AuditSubject & { secretRef: string }): Promise<void> {
    return this.#write(request, 'token_renewed', () =>
      this.#store.recordRenewal({ ...this.#event(request, 'token_renewed', subject), ref: shortHash(subject.secretRef) }),
    )
  }

  #event(request: FastifyRequest, kind: AuditKind, subject: AuditSubject): NewAuditEvent {
    return {
      at: this.#clock(),
      kind,
      userId: subject.userId ?? null,
      username: subject.username ?? null,
      ip: request.ip,
      userAgent: storedUserAgent(request),
      ref: subject.secretRef ? shortHash(subject.secretRef) : null,
      detail: subject.detail ?? null,
    }
  }

  /** Resolves once written (or logged as failed); never rejects. */
  async #write(request: FastifyRequest, kind: AuditKind, write: () => Promise<void>): Promise<void> {
    try {
      await write()
    } catch (error) {
      // An audit write must not turn a login into a 500; the log line keeps the event.
      request.log.error({ err: error, kind }, 'audit write failed')
    }
  }
}
