import { sql } from 'kysely'
import type { Engine } from './engine.js'
import type { Queryable, UsersTable } from './tables.js'
import type { Selectable } from 'kysely'
import { lockForTransaction, LOCK_KEYS, type WriteTransaction } from './write-transaction.js'
import { parseRoles } from './roles-column.js'
import { usernameKey } from '../auth/username-key.js'

/** A user as stored, with the secret parts the public `User` leaves out. */
export interface UserRecord {
  readonly id: number
  readonly username: string
  readonly roles: readonly string[]
  readonly passwordHash: string
  readonly disabled: boolean
  readonly createdAt: number
  /** Its sessions may only change the password until the person does. */
  readonly mustChangePassword: boolean
}

/** The username is taken (usernames are unique without regard to case). */
export class UsernameTakenError extends Error {
  override name = 'UsernameTakenError'
}

export interface NewUser {
  readonly username: string
  readonly passwordHash: string
  readonly roles: readonly string[]
  readonly createdAt: number
  readonly mustChangePassword?: boolean
}

/**
 * Users, on either engine. Methods that may run inside a transaction take it as `q`; those
 * that write take the write transaction as `tx`.
 */
export class UserStore {
  readonly #engine: Engine

  constructor(engine: Engine) {
    this.#engine = engine
  }

  get #db(): Queryable {
    return this.#engine.db
  }

  async setDisabled(id: number, disabled: boolean, tx: WriteTransaction): Promise<boolean> {
    const result = await tx.updateTable('users').set({ disabled: disabled ? 1 : 0 }).where('id', '=', id).executeTakeFirst()
    return result.numUpdatedRows > 0n
  }

  async setPasswordHash(id: number, passwordHash: string, tx: WriteTransaction): Promise<boolean> {
    const result = await tx.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', id).executeTakeFirst()
    return result.numUpdatedRows > 0n
  }

  /** Sets or clears "must change the password at the next sign-in". */
  async setMustChangePassword(id: number, must: boolean, tx: WriteTransaction): Promise<boolean> {
    const result = await tx.updateTable('users').set({ must_change_password: must ? 1 : 0 }).where('id', '=', id).executeTakeFirst()
    return result.numUpdatedRows > 0n
  }

  async setRoles(id: number, roles: readonly string[], tx: WriteTransaction): Promise<boolean> {
    const result = await tx.updateTable('users').set({ roles: JSON.stringify(roles) }).where('id', '=', id).executeTakeFirst()
    return result.numUpdatedRows > 0n
  }

  /** Removes the user with their sessions and notes (the foreign keys cascade); false when there was none. */
  async removeById(id: number, tx: WriteTransaction): Promise<boolean> {
    const result = await tx.deleteFrom('users').where('id', '=', id).executeTakeFirst()
    return result.numDeletedRows > 0n
  }

  /** Ids of the admins who can still sign in. */
  async enabledAdminIds(q: Queryable = this.#db): Promise<number[]> {
    const hasAdmin =
      this.#engine.kind === 'postgres'
        ? sql<boolean>`users.roles::jsonb ? 'admin'`
        : sql<boolean>`EXISTS (SELECT 1 FROM json_each(users.roles) WHERE value = 'admin')`
    const rows = await q.selectFrom('users').select('id').where('disabled', '=', 0).where(hasAdmin).orderBy('id').execute()
    return rows.map((row) => row.id)
  }

  /**
   * Inside a write transaction: whether taking `userId` out of the admins who can sign in
   * (disabling, demoting or deleting it) would leave none. It holds `LOCK_KEYS.admins`
   * until the transaction ends (SQLite's write lock does the same), so two admins
   * demoting each other at once cannot both succeed; pass that lock in the transaction's
   * `locks` too, so that it is taken before the actor's rows.
   */
  async isLastAdmin(userId: number, tx: WriteTransaction): Promise<boolean> {
    await lockForTransaction(this.#engine, tx, LOCK_KEYS.admins)
    const admins = await this.enabledAdminIds(tx)
    return admins.length === 1 && admins[0] === userId
  }

  async create(user: NewUser, tx: WriteTransaction): Promise<UserRecord> {
    try {
      const row = await tx
        .insertInto('users')
        .values({
          username: user.username,
          password_hash: user.passwordHash,
          roles: JSON.stringify(user.roles),
          created_at: user.createdAt,
          must_change_password: user.mustChangePassword === true ? 1 : 0,
        })
        .returningAll()
        .executeTakeFirstOrThrow()
      return toRecord(row)
    } catch (error) {
      const code = (error as { code?: string }).code
      if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505') {
        throw new UsernameTakenError(`the username "${user.username}" is taken`)
      }
      throw error
    }
  }

  async findByUsername(username: string): Promise<UserRecord | undefined> {
    // A name outside the username rule names no account: no lookup (see usernameKey).
    const key = usernameKey(username)
    if (key === undefined) return undefined
    // SQLite's column is COLLATE NOCASE; PostgreSQL's unique index is on lower(username).
    // Both compare with the key the sign-in throttle counts under.
    const query =
      this.#engine.kind === 'postgres'
        ? this.#db.selectFrom('users').selectAll().where(sql`lower(username)`, '=', key)
        : this.#db.selectFrom('users').selectAll().where('username', '=', key)
    const row = await query.executeTakeFirst()
    return row && toRecord(row)
  }

  async findById(id: number): Promise<UserRecord | undefined> {
    const row = await this.#db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst()
    return row && toRecord(row)
  }

  /** What a restriction is judged from (as the live session view has it), for a token being signed. */
  async restrictionState(id: number): Promise<{ roles: readonly string[]; mustChangePassword: boolean; hasSecondFactor: boolean } | undefined> {
    const row = await this.#db
      .selectFrom('users as u')
      .select(['u.roles', 'u.must_change_password'])
      .select(
        sql<number | boolean>`(EXISTS (SELECT 1 FROM totp_factors t WHERE t.user_id = u.id AND t.enabled_at IS NOT NULL)
          OR EXISTS (SELECT 1 FROM passkeys p WHERE p.user_id = u.id))`.as('has_second_factor'),
      )
      .where('u.id', '=', id)
      .executeTakeFirst()
    if (!row) return undefined
    return { roles: parseRoles(row.roles), mustChangePassword: row.must_change_password !== 0, hasSecondFactor: row.has_second_factor === true || row.has_second_factor === 1 }
  }

  async list(): Promise<UserRecord[]> {
    const rows = await this.#db.selectFrom('users').selectAll().orderBy('id').execute()
    return rows.map(toRecord)
  }

  async count(q: Queryable = this.#db): Promise<number> {
    const row = await q.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst()
    return Number(row?.n ?? 0)
  }
}

function toRecord(row: Selectable<UsersTable>): UserRecord {
  return {
    id: row.id,
    username: row.username,
    roles: parseRoles(row.roles),
    passwordHash: row.password_hash,
    disabled: row.disabled !== 0,
    createdAt: row.created_at,
    mustChangePassword: row.must_change_password !== 0,
  }
}
