import type { Generated, Kysely, Transaction } from 'kysely'

/**
 * The schema as both engines hold it, typed once for Kysely. Times are integer
 * milliseconds (BIGINT on PostgreSQL, read back as numbers); booleans are 0/1 integers
 * and lists are JSON text, so a row means the same on either engine.
 */
export interface Tables {
  users: UsersTable
  sessions: SessionsTable
  retired_cookie_ids: RetiredCookieIdsTable
  notes: NotesTable
  setup_tokens: SetupTokensTable
  audit_events: AuditEventsTable
}

export interface UsersTable {
  id: Generated<number>
  username: string
  password_hash: string
  /** JSON array of role names. */
  roles: Generated<string>
  disabled: Generated<number>
  created_at: number
}

export interface SessionsTable {
  /** The hash of the cookie id (see cookie-id-hash.ts), never the id itself. */
  cookie_id: string
  handle: string
  user_id: number
  created_at: number
  last_seen_at: number
  absolute_expires_at: number
  cookie: string
  /** JSON object of string items. */
  items: Generated<string>
  user_agent: string | null
  ip: string | null
}

export interface RetiredCookieIdsTable {
  cookie_id: string
  handle: string
  retired_at: number
  successor: string | null
}

export interface NotesTable {
  id: Generated<number>
  owner_id: number
  text: string
  created_at: number
}

export interface SetupTokensTable {
  nonce: string
  expires_at: number
  used_at: number | null
}

export interface AuditEventsTable {
  id: Generated<number>
  at: number
  kind: string
  user_id: number | null
  username: string | null
  ip: string | null
  user_agent: string | null
  session: string | null
  /** The `AuditDetail` code (see audit-detail-columns.ts). */
  reason: string | null
  /** Its parameters, as JSON. */
  params: string | null
}

/** The database, or a transaction on it: store methods that may run inside one take this. */
export type Queryable = Kysely<Tables> | Transaction<Tables>
