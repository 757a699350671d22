import type { Db } from './database.js'
import { hashCookieId } from './cookie-id-hash.js'
import { toDetailColumns } from './audit-detail-columns.js'
import { legacyAuditDetail } from './legacy-audit-detail.js'

/** Each entry moves the schema one version forward; never edit one that has shipped. */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT    NOT NULL,
    roles         TEXT    NOT NULL DEFAULT '[]',
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL
  );
  CREATE TABLE sessions (
    cookie_id           TEXT    PRIMARY KEY,
    handle              TEXT    NOT NULL UNIQUE,
    user_id             INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at          INTEGER NOT NULL,
    last_seen_at        INTEGER NOT NULL,
    absolute_expires_at INTEGER NOT NULL,
    cookie              TEXT    NOT NULL,
    items               TEXT    NOT NULL DEFAULT '{}',
    user_agent          TEXT,
    ip                  TEXT
  );
  CREATE INDEX sessions_user_id ON sessions(user_id);
  CREATE TABLE notes (
    id         INTEGER PRIMARY KEY,
    owner_id   INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    text       TEXT    NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE setup_tokens (
    nonce      TEXT    PRIMARY KEY,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
  );
  `,
  // Renewal rotates the cookie id; retired ids are kept (with their session) to recognise
  // a replayed cookie. And the audit log of security events.
  `
  CREATE TABLE retired_cookie_ids (
    cookie_id  TEXT    PRIMARY KEY,
    handle     TEXT    NOT NULL REFERENCES sessions(handle) ON DELETE CASCADE,
    retired_at INTEGER NOT NULL
  );
  CREATE INDEX retired_cookie_ids_handle ON retired_cookie_ids(handle);
  CREATE TABLE audit_events (
    id          INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,
    kind        TEXT    NOT NULL,
    user_id     INTEGER,
    username    TEXT,
    ip          TEXT,
    user_agent  TEXT,
    session     TEXT,
    detail      TEXT
  );
  CREATE INDEX audit_events_at ON audit_events(at);
  CREATE INDEX audit_events_user_id ON audit_events(user_id, id);
  CREATE INDEX audit_events_kind ON audit_events(kind, id);
  `,
  // Cookie ids are kept only as hashes (a copy of the database must hand out no live
  // cookie); a retired id keeps its successor sealed with a key only the retired id gives.
  // User ids are never reused (AUTOINCREMENT), so old audit events never name a new
  // account. The users table is rebuilt for that, with foreign keys off (see migrate).
  `
  UPDATE sessions SET cookie_id = tokenauth_hash_cookie_id(cookie_id);
  UPDATE retired_cookie_ids SET cookie_id = tokenauth_hash_cookie_id(cookie_id);
  ALTER TABLE retired_cookie_ids ADD COLUMN successor TEXT;
  CREATE TABLE users_autoincrement (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    username      TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT    NOT NULL,
    roles         TEXT    NOT NULL DEFAULT '[]',
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL
  );
  INSERT INTO users_autoincrement (id, username, password_hash, roles, disabled, created_at)
    SELECT id, username, password_hash, roles, disabled, created_at FROM users;
  DROP TABLE users;
  ALTER TABLE users_autoincrement RENAME TO users;
  `,
  // A renewal replaces its session's previous renewal event: found through this index.
  `
  CREATE INDEX audit_events_kind_session ON audit_events(kind, session);
  `,
  // Audit reasons are codes with parameters (the app has the words): the English prose of
  // older rows is read back into codes (legacy-audit-detail.ts), then dropped.
  `
  ALTER TABLE audit_events ADD COLUMN reason TEXT;
  ALTER TABLE audit_events ADD COLUMN params TEXT;
  UPDATE audit_events
    SET reason = tokenauth_legacy_audit_reason(detail), params = tokenauth_legacy_audit_params(detail)
    WHERE detail IS NOT NULL;
  ALTER TABLE audit_events DROP COLUMN detail;
  `,
  // Second factors. A session records how and when its person proved who they are; an
  // authenticator app's secret is sealed with DATA_KEYS; recovery codes are kept hashed;
  // a sign-in that passed its password waits for its second factor in a challenge row.
  `
  ALTER TABLE sessions ADD COLUMN auth_time INTEGER;
  ALTER TABLE sessions ADD COLUMN amr TEXT;
  CREATE TABLE totp_factors (
    user_id        INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    secret         TEXT    NOT NULL,
    created_at     INTEGER NOT NULL,
    enabled_at     INTEGER,
    last_used_step INTEGER
  );
  CREATE TABLE recovery_codes (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_hash  TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    used_at    INTEGER
  );
  CREATE INDEX recovery_codes_user_id ON recovery_codes(user_id);
  CREATE TABLE sign_in_challenges (
    id_hash          TEXT    PRIMARY KEY,
    user_id          INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    credential_stamp TEXT    NOT NULL,
    remember         INTEGER NOT NULL DEFAULT 0,
    failures         INTEGER NOT NULL DEFAULT 0,
    expires_at       INTEGER NOT NULL
  );
  CREATE INDEX sign_in_challenges_user_id ON sign_in_challenges(user_id);
  CREATE INDEX sign_in_challenges_expires_at ON sign_in_challenges(expires_at);
  `,
  // Passkeys (WebAuthn). A ceremony's challenge waits in the database, so that one begun on
  // one instance finishes on another; each is single-use and bound to what it was made for.
  `
  CREATE TABLE passkeys (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    credential_id TEXT    NOT NULL UNIQUE,
    public_key    TEXT    NOT NULL,
    counter       INTEGER NOT NULL DEFAULT 0,
    transports    TEXT    NOT NULL DEFAULT '[]',
    device_type   TEXT    NOT NULL,
    backed_up     INTEGER NOT NULL DEFAULT 0,
    name          TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    last_used_at  INTEGER
  );
  CREATE INDEX passkeys_user_id ON passkeys(user_id);
  CREATE TABLE webauthn_challenges (
    challenge_hash TEXT    PRIMARY KEY,
    purpose        TEXT    NOT NULL,
    user_id        INTEGER REFERENCES users(id) ON DELETE CASCADE,
    expires_at     INTEGER NOT NULL
  );
  CREATE INDEX webauthn_challenges_expires_at ON webauthn_challenges(expires_at);
  `,
  // A restricted session: an account an admin created or reset with "must change the
  // password" can do nothing but change it.
  `
  ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
  `,
]

/** Applies the migrations the database has not seen yet, each in its own transaction. */
export function migrate(db: Db): void {
  db.function('tokenauth_hash_cookie_id', { deterministic: true }, (id: unknown) => hashCookieId(String(id)))
  db.function('tokenauth_legacy_audit_reason', { deterministic: true }, (text: unknown) => toDetailColumns(legacyAuditDetail(String(text))).reason)
  db.function('tokenauth_legacy_audit_params', { deterministic: true }, (text: unknown) => toDetailColumns(legacyAuditDetail(String(text))).params)
  const current = db.pragma('user_version', { simple: true }) as number
  if (current >= MIGRATIONS.length) return
  // Rebuilding a table with foreign keys on would cascade its DROP into sessions and notes;
  // the pragma cannot change inside a transaction, so it is switched around them.
  const foreignKeys = db.pragma('foreign_keys', { simple: true }) as number
  db.pragma('foreign_keys = OFF')
  try {
    // BEGIN IMMEDIATE takes the write lock before the version is read: of several processes
    // starting on one file at once (instances, workers), one migrates and the others wait
    // (busy_timeout), then find the version already moved and apply nothing twice.
    const step = db.transaction((): boolean => {
      const version = db.pragma('user_version', { simple: true }) as number
      if (version >= MIGRATIONS.length) return false
      db.exec(MIGRATIONS[version] ?? '')
      const broken = db.pragma('foreign_key_check') as unknown[]
      if (broken.length > 0) throw new Error(`migration ${version + 1} broke ${broken.length} foreign keys`)
      db.pragma(`user_version = ${version + 1}`)
      return true
    })
    while (step.immediate()) {
      // one version per transaction
    }
  } finally {
    db.pragma(`foreign_keys = ${foreignKeys ? 'ON' : 'OFF'}`)
  }
}
