import type { Db } from './database.js'

/** A user as stored, with the secret parts the public `User` leaves out. */
export interface UserRecord {
  readonly id: number
  readonly username: string
  readonly roles: readonly string[]
  readonly passwordHash: string
  readonly disabled: boolean
  readonly createdAt: number
}

interface UserRow {
  id: number
  username: string
  roles: string
  password_hash: string
  disabled: number
  created_at: number
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

/** Users in SQLite. */
export class UserStore {
  readonly #insert
  readonly #byUsername
  readonly #byId
  readonly #all
  readonly #deleteByUsername
  readonly #count
  readonly #setDisabled
  readonly #setPasswordHash
  readonly #enabledAdmins
  readonly #setRoles
  readonly #deleteById

  constructor(db: Db) {
    this.#insert = db.prepare<[string, string, string, number], UserRow>(
      'INSERT INTO users (username, password_hash, roles, created_at) VALUES (?, ?, ?, ?) RETURNING *',
    )
    this.#byUsername = db.prepare<[string], UserRow>('SELECT * FROM users WHERE username = ?')
    this.#byId = db.prepare<[number], UserRow>('SELECT * FROM users WHERE id = ?')
    this.#all = db.prepare<[], UserRow>('SELECT * FROM users ORDER BY id')
    this.#deleteByUsername = db.prepare<[string]>('DELETE FROM users WHERE username = ?')
    this.#count = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM users')
    this.#setDisabled = db.prepare<[number, number]>('UPDATE users SET disabled = ? WHERE id = ?')
    this.#setPasswordHash = db.prepare<[string, number]>('UPDATE users SET password_hash = ? WHERE id = ?')
    this.#setRoles = db.prepare<[string, number]>('UPDATE users SET roles = ? WHERE id = ?')
    this.#deleteById = db.prepare<[number]>('DELETE FROM users WHERE id = ?')
    this.#enabledAdmins = db.prepare<[], { id: number }>(
      "SELECT id FROM users WHERE disabled = 0 AND EXISTS (SELECT 1 FROM json_each(users.roles) WHERE value = 'admin')",
    )
  }

  setDisabled(id: number, disabled: boolean): boolean {
    return this.#setDisabled.run(disabled ? 1 : 0, id).changes > 0
  }

  setPasswordHash(id: number, passwordHash: string): boolean {
    return this.#setPasswordHash.run(passwordHash, id).changes > 0
  }

  setRoles(id: number, roles: readonly string[]): boolean {
    return this.#setRoles.run(JSON.stringify(roles), id).changes > 0
  }

  /** Removes the user with their sessions and notes (the foreign keys cascade); false when there was none. */
  removeById(id: number): boolean {
    return this.#deleteById.run(id).changes > 0
  }

  /** Ids of the admins who can still sign in. */
  enabledAdminIds(): number[] {
    return this.#enabledAdmins.all().map((row) => row.id)
  }

  create(user: NewUser): UserRecord {
    try {
      const row = this.#insert.get(user.username, user.passwordHash, JSON.stringify(user.roles), user.createdAt)
      if (!row) throw new Error('INSERT … RETURNING returned no row')
      return toRecord(row)
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
        throw new UsernameTakenError(`the username "${user.username}" is taken`)
      }
      throw error
    }
  }

  findByUsername(username: string): UserRecord | undefined {
    const row = this.#byUsername.get(username)
    return row && toRecord(row)
  }

  findById(id: number): UserRecord | undefined {
    const row = this.#byId.get(id)
    return row && toRecord(row)
  }

  list(): UserRecord[] {
    return this.#all.all().map(toRecord)
  }

  /** Removes the user with their sessions and notes; false when there was none. */
  remove(username: string): boolean {
    return this.#deleteByUsername.run(username).changes > 0
  }

  count(): number {
    return this.#count.get()?.n ?? 0
  }
}

function toRecord(row: UserRow): UserRecord {
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
