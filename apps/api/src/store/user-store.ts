import { sql } from 'kysely'
import type { Engine } from './engine.js'
import type { Queryable, UsersTable } from './tables.js'
import type { Selectable } from 'kysely'
import { inWriteTransaction, lockForTransaction, LOCK_KEYS } from './write-transaction.js'

/** A user as stored, with the secret parts the public `User` leaves out. */
export interface UserRecord {
  readonly id: number
  readonly username: string
  readonly roles: readonly string[]
  readonly passwordHash: string
  readonly disabled: boolean
  readonly createdAt: number
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
}

/** `guardLastAdmin`'s answer when the change would leave no admin who can sign in. */
export const LAST_ADMIN = Symbol('last admin')

/** Users, on either engine. Methods that may run inside a transaction take it as `q`. */
export class UserStore {
  readonly #engine: Engine

  constructor(engine: Engine) {
    this.#engine = engine
  }

  get #db(): Queryable {
    return this.#engine.db
  }

  async setDisabled(id: number, disabled: boolean, q: Queryable = this.#db): Promise<boolean> {
    const result = await q.updateTable('users').set({ disabled: disabled ? 1 : 0 }).where('id', '=', id).executeTakeFirst()
    return result.numUpdatedRows > 0n
  }

  async setPasswordHash(id: number, passwordHash: string, q: Queryable = this.#db): Promise<boolean> {
    const result = await q.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', id).executeTakeFirst()
    return result.numUpdatedRows > 0n
  }

  async setRoles(id: number, roles: readonly string[], q: Queryable = this.#db): Promise<boolean> {
    const result = await q.updateTable('users').set({ roles: JSON.stringify(roles) }).where('id', '=', id).executeTakeFirst()
    return result.numUpdatedRows > 0n
  }

  /** Removes the user with their sessions and notes (the foreign keys cascade); false when there was none. */
  async removeById(id: number, q: Queryable = this.#db): Promise<boolean> {
    const result = await q.deleteFrom('users').where('id', '=', id).executeTakeFirst()
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
   * Runs `write` in a transaction that first checks, under a lock every such change takes,
   * that it leaves an admin who can sign in: two admins demoting (or disabling, deleting)
   * each other at once cannot both succeed. `losesAdmin` says whether the change takes
   * `userId` out of that set; when it does and `userId` is the only one, nothing is
   * written and the answer is `LAST_ADMIN`.
   */
  guardLastAdmin<T>(userId: number, losesAdmin: boolean, write: (q: Queryable) => Promise<T>): Promise<T | typeof LAST_ADMIN> {
    return inWriteTransaction(this.#engine, async (q) => {
      await lockForTransaction(this.#engine, q, LOCK_KEYS.admins)
      if (losesAdmin) {
        const admins = await this.enabledAdminIds(q)
        if (admins.length === 1 && admins[0] === userId) return LAST_ADMIN
      }
      return write(q)
    })
  }

  async create(user: NewUser, q: Queryable = this.#db): Promise<UserRecord> {
    try {
      const row = await q
        .insertInto('users')
        .values({ username: user.username, password_hash: user.passwordHash, roles: JSON.stringify(user.roles), created_at: user.createdAt })
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
    // No username holds U+0000 (PostgreSQL text cannot): such a name is simply unknown.
    if (username.includes('\u0000')) return undefined
    // SQLite's column is COLLATE NOCASE; PostgreSQL's unique index is on lower(username).
    const query =
      this.#engine.kind === 'postgres'
        ? this.#db.selectFrom('users').selectAll().where(sql`lower(username)`, '=', sql`lower(${username})`)
        : this.#db.selectFrom('users').selectAll().where('username', '=', username)
    const row = await query.executeTakeFirst()
    return row && toRecord(row)
  }

  async findById(id: number): Promise<UserRecord | undefined> {
    const row = await this.#db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst()
    return row && toRecord(row)
  }

  async list(): Promise<UserRecord[]> {
    const rows = await this.#db.selectFrom('users').selectAll().orderBy('id').execute()
    return rows.map(toRecord)
  }

  /** Removes the user with their sessions and notes; false when there was none. */
  async remove(username: string): Promise<boolean> {
    const user = await this.findByUsername(username)
    return user ? this.removeById(user.id) : false
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
  }
}

/** Roles are stored as a JSON array of strings; anything else reads as no roles. */
export function parseRoles(text: string): string[] {
  try {
    const value: unknown = JSON.parse(text)
    return Array.isArray(value) ? value.filter((r): r is string => typeof r === 'string') : []
  } catch {
    return []
  }
}
