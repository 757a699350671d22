import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import pg from 'pg'
import type { AuditDetail } from '@tokenauth/shared'
import { afterEach, describe, expect, it } from 'vitest'
import { DATABASE_FILE, openDatabase } from './database.js'
import { MIGRATIONS } from './migrations.js'
import { migratePostgres, POSTGRES_MIGRATIONS } from './postgres-migrations.js'
import { fromDetailColumns } from './audit-detail-columns.js'
import { hashCookieId } from './cookie-id-hash.js'
import { createTestPostgresDatabase } from '../test-support/postgres-database.js'

/** Every prose form a server has written to `audit_events.detail`, and the code it becomes. */
const FORMS: readonly (readonly [string, string, AuditDetail])[] = [
  ['login_failed', 'unknown_user', { reason: 'unknown_user' }],
  ['login_failed', 'wrong_password', { reason: 'wrong_password' }],
  ['login_failed', 'user_disabled', { reason: 'user_disabled' }],
  ['login_failed', 'credentials_changed', { reason: 'credentials_changed' }],
  ['login_failed', 'wrong current password on password change', { reason: 'wrong_current_password' }],
  ['login_failed', 'wrong own password on an admin password reset', { reason: 'wrong_admin_password', params: { action: 'reset_password' } }],
  ['login_failed', 'wrong own password on PUT /api/users/:id/roles', { reason: 'wrong_admin_password', params: { action: 'set_roles' } }],
  ['login_failed', 'wrong own password on POST /api/users', { reason: 'wrong_admin_password', params: { action: 'create_user' } }],
  ['login_failed', 'wrong own password on DELETE /api/users/:id/sessions', { reason: 'wrong_admin_password', params: { action: 'end_sessions' } }],
  ['session_ended', 'idle_timeout', { reason: 'idle_timeout' }],
  ['session_ended', 'absolute_timeout', { reason: 'absolute_timeout' }],
  ['session_ended', 'no_session', { reason: 'no_session' }],
  ['session_ended', 'ended by its user (this session)', { reason: 'ended_by_user', params: { here: true } }],
  ['session_ended', 'ended by its user from another session', { reason: 'ended_by_user', params: { here: false } }],
  ['session_ended', '3 other sessions ended by their user', { reason: 'others_ended_by_user', params: { count: 3 } }],
  ['session_ended', 'all 2 sessions, by admin root', { reason: 'all_ended_by_admin', params: { actor: 'root', count: 2 } }],
  ['password_changed', '1 other sessions ended', { reason: 'others_ended', params: { count: 1 } }],
  ['password_reset', 'by admin root; 4 sessions ended', { reason: 'by_admin_sessions_ended', params: { actor: 'root', count: 4 } }],
  ['user_disabled', 'by root; 0 sessions ended', { reason: 'by_admin_sessions_ended', params: { actor: 'root', count: 0 } }],
  ['user_created', 'by root; roles: admin, editor', { reason: 'created_by_admin', params: { actor: 'root', roles: ['admin', 'editor'] } }],
  ['user_created', 'by root; roles: none', { reason: 'created_by_admin', params: { actor: 'root', roles: [] } }],
  ['user_roles_changed', 'by root; none → admin, editor', { reason: 'roles_changed_by_admin', params: { actor: 'root', from: [], to: ['admin', 'editor'] } }],
  ['user_deleted', 'by root', { reason: 'by_admin', params: { actor: 'root' } }],
  ['user_enabled', 'by admin root', { reason: 'by_admin', params: { actor: 'root' } }],
  ['renewal_replayed', 'retired cookie presented after the grace window', { reason: 'retired_cookie_replayed' }],
  ['token_renewed', 'grace: the current cookie was sent again', { reason: 'grace_cookie_resent' }],
  ['token_renewed', 'grace', { reason: 'grace_cookie_resent' }],
  ['login_failed', 'wrong own password on PATCH /somewhere/else', { reason: 'legacy', params: { text: 'wrong own password on PATCH /somewhere/else' } }],
  ['session_ended', 'something an older server said', { reason: 'legacy', params: { text: 'something an older server said' } }],
]

/** What every row reads as after the migration: its code, or null for a row that had no detail. */
const expected = [...FORMS.map(([, , detail]) => detail), null]

interface MigratedRow {
  readonly id: number
  readonly kind: string
  readonly reason: string | null
  readonly params: string | null
}
const asDetails = (rows: readonly MigratedRow[]) => rows.map((row) => fromDetailColumns(row))

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

describe('audit reasons as codes: migrating the stored prose', () => {
  it('on SQLite', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tokenauth-audit-codes-'))
    dirs.push(dir)
    // A database at version 4, with rows as that server wrote them.
    const old = new Database(path.join(dir, DATABASE_FILE))
    old.function('tokenauth_hash_cookie_id', (id: unknown) => hashCookieId(String(id)))
    old.exec(MIGRATIONS.slice(0, 4).join(''))
    old.pragma('user_version = 4')
    const insert = old.prepare('INSERT INTO audit_events (at, kind, username, detail) VALUES (?, ?, ?, ?)')
    FORMS.forEach(([kind, detail], i) => insert.run(i, kind, 'alice', detail))
    insert.run(FORMS.length, 'logout', 'alice', null)
    old.close()

    const db = openDatabase(dir)
    const rows = db.prepare('SELECT id, kind, reason, params FROM audit_events ORDER BY id').all() as MigratedRow[]
    expect(asDetails(rows)).toEqual(expected)
    const columns = (db.prepare('PRAGMA table_info(audit_events)').all() as { name: string }[]).map((c) => c.name)
    expect(columns).not.toContain('detail')
    db.close()
  })

  it('on PostgreSQL', async () => {
    const database = await createTestPostgresDatabase()
    const pool = new pg.Pool({ connectionString: database.url })
    try {
      await migratePostgres(pool, POSTGRES_MIGRATIONS.slice(0, 1))
      for (const [i, [kind, detail]] of FORMS.entries()) {
        await pool.query('INSERT INTO audit_events (at, kind, username, detail) VALUES ($1, $2, $3, $4)', [i, kind, 'alice', detail])
      }
      await pool.query("INSERT INTO audit_events (at, kind, username, detail) VALUES ($1, 'logout', 'alice', NULL)", [FORMS.length])
      expect(await migratePostgres(pool)).toBe(POSTGRES_MIGRATIONS.length - 1)
      const { rows } = await pool.query<MigratedRow>('SELECT id::int AS id, kind, reason, params FROM audit_events ORDER BY id')
      expect(asDetails(rows)).toEqual(expected)
      const { rows: columns } = await pool.query<{ column_name: string }>("SELECT column_name FROM information_schema.columns WHERE table_name = 'audit_events'")
      expect(columns.map((c) => c.column_name)).not.toContain('detail')
    } finally {
      await pool.end()
      await database.drop()
    }
  })
})
