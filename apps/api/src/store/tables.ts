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
  totp_factors: TotpFactorsTable
  recovery_codes: RecoveryCodesTable
  sign_in_challenges: SignInChallengesTable
  passkeys: PasskeysTable
  webauthn_challenges: WebauthnChallengesTable
}

export interface UsersTable {
  id: Generated<number>
  username: string
  password_hash: string
  /** JSON array of role names. */
  roles: Generated<string>
  disabled: Generated<number>
  created_at: number
  /** 1: the person's sessions may only change the password (see `Restriction`). */
  must_change_password: Generated<number>
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
  /** When the person last proved who they are (ms); null for sessions from before second factors. */
  auth_time: number | null
  /** JSON array of RFC 8176 method references (`pwd`, `otp`, `mfa`); null as for `auth_time`. */
  amr: string | null
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

export interface TotpFactorsTable {
  user_id: number
  /** The base32 secret, sealed with DATA_KEYS (see second-factor/data-keys.ts). */
  secret: string
  created_at: number
  /** Null while enrolment waits for its first valid code. */
  enabled_at: number | null
  /** The 30-second step of the last code accepted: a code of that step or older is refused. */
  last_used_step: number | null
}

export interface RecoveryCodesTable {
  id: Generated<number>
  user_id: number
  /** `<salt>.<HMAC-SHA-256(salt, code)>`, base64url. */
  code_hash: string
  created_at: number
  used_at: number | null
}

export interface SignInChallengesTable {
  /** SHA-256 of the challenge the client holds. */
  id_hash: string
  user_id: number
  /** A digest of the password hash it was issued for: a password change voids it. */
  credential_stamp: string
  remember: Generated<number>
  failures: Generated<number>
  expires_at: number
}

export interface PasskeysTable {
  id: Generated<number>
  user_id: number
  /** The credential id the authenticator chose, base64url; unique across the site. */
  credential_id: string
  /** The COSE public key, base64url. */
  public_key: string
  /** The signature counter last seen (0 for authenticators that do not count). */
  counter: number
  /** JSON array of transports the browser reported (`internal`, `usb`, `hybrid`…). */
  transports: string
  /** `singleDevice` or `multiDevice` (a synced passkey). */
  device_type: string
  backed_up: number
  name: string
  created_at: number
  last_used_at: number | null
}

export interface WebauthnChallengesTable {
  /** SHA-256 of the challenge the browser signs (base64url). */
  challenge_hash: string
  /** `register`, `sign_in` or `second_factor`: a challenge answers only the ceremony it was made for. */
  purpose: string
  /** The account, where the ceremony knows it (not for a discoverable sign-in). */
  user_id: number | null
  expires_at: number
}

/** The database, or a transaction on it: store methods that may run inside one take this. */
export type Queryable = Kysely<Tables> | Transaction<Tables>
