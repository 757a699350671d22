import { parseArgs } from 'node:util'
import { hashPassword } from '../auth/passwords.js'
import { checkNewPassword } from '../auth/password-policy.js'
import { UserStore, UsernameTakenError } from '../store/user-store.js'
import type { Engine } from '../store/engine.js'
import { inWriteTransaction, NO_SESSION } from '../store/write-transaction.js'
import type { InvalidationTarget } from '../store/live-session-cache.js'
import { LEASE_MS } from '../store/session-invalidation.js'

/** What the command needs from the outside world; tests pass fakes. */
export interface UsersCommandIo {
  readonly engine: Engine
  readPassword(prompt: string): Promise<string>
  /** True when a person types the password (so we ask twice). */
  readonly interactive: boolean
  out(line: string): void
  err(line: string): void
  now(): number
  /** Tells the running instances to drop a removed user's cached sessions (PostgreSQL + Redis); absent, nothing is cached. */
  invalidateSessions?(target: InvalidationTarget): Promise<void>
}

export const USAGE = `Usage:
  pnpm users add <username> [--role <role>]...   create a user; the password is read from
                                                 standard input (prompted, hidden, on a terminal)
  pnpm users list                                list users
  pnpm users remove <username>                   delete a user with their sessions and notes`

const USERNAME = /^[A-Za-z0-9._-]{1,64}$/
const ROLE = /^[a-z][a-z0-9_-]{0,31}$/

/** Runs `users <args>`; returns the process exit code. */
export async function runUsersCommand(args: readonly string[], io: UsersCommandIo): Promise<number> {
  const [command, ...rest] = args
  const users = new UserStore(io.engine)
  switch (command) {
    case 'add':
      return addUser(rest, users, io)
    case 'list':
      return listUsers(rest, users, io)
    case 'remove':
      return removeUser(rest, users, io)
    default:
      io.err(command && command !== 'help' && command !== '--help' ? `Unknown command "${command}".\n${USAGE}` : USAGE)
      return command === 'help' || command === '--help' ? 0 : 2
  }
}

async function addUser(args: readonly string[], users: UserStore, io: UsersCommandIo): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({ args: [...args], allowPositionals: true, options: { role: { type: 'string', multiple: true } } })
  } catch (error) {
    io.err(`${(error as Error).message}\n${USAGE}`)
    return 2
  }
  const [username, ...extra] = parsed.positionals
  if (!username || extra.length > 0) {
    io.err(USAGE)
    return 2
  }
  if (!USERNAME.test(username)) {
    io.err('A username is 1 to 64 letters, digits, ".", "_" or "-".')
    return 2
  }
  const roles = [...new Set(parsed.values.role ?? [])]
  const badRole = roles.find((role) => !ROLE.test(role))
  if (badRole !== undefined) {
    io.err(`"${badRole}" is not a role name (lower-case letters, digits, "_" or "-", starting with a letter).`)
    return 2
  }
  if (await users.findByUsername(username)) {
    io.err(`The username "${username}" is taken.`)
    return 1
  }
  const password = await io.readPassword(`Password for ${username}: `)
  const policy = checkNewPassword(password, { username })
  if (!policy.ok) {
    io.err(policy.message)
    return 1
  }
  if (io.interactive && (await io.readPassword('Repeat the password: ')) !== password) {
    io.err('The passwords do not match.')
    return 1
  }
  try {
    const passwordHash = await hashPassword(password)
    // The operator at the server's shell acts for no session.
    const user = await inWriteTransaction(io.engine, NO_SESSION, (tx) => users.create({ username, passwordHash, roles, createdAt: io.now() }, tx))
    io.out(`Created user ${user.username} (id ${user.id}${roles.length ? `, roles: ${roles.join(', ')}` : ''}).`)
    return 0
  } catch (error) {
    if (error instanceof UsernameTakenError) {
      io.err(`The username "${username}" is taken.`)
      return 1
    }
    throw error
  }
}

async function listUsers(args: readonly string[], users: UserStore, io: UsersCommandIo): Promise<number> {
  if (args.length > 0) {
    io.err(USAGE)
    return 2
  }
  const all = await users.list()
  if (all.length === 0) {
    io.out('No users yet. Add one with: pnpm users add <username> --role admin')
    return 0
  }
  for (const user of all) {
    const flags = [user.roles.length ? `roles: ${user.roles.join(', ')}` : 'no roles', user.disabled ? 'disabled' : '']
    io.out(`${String(user.id).padStart(4)}  ${user.username}  (${flags.filter(Boolean).join('; ')})`)
  }
  return 0
}

async function removeUser(args: readonly string[], users: UserStore, io: UsersCommandIo): Promise<number> {
  const [username, ...extra] = args
  if (!username || extra.length > 0) {
    io.err(USAGE)
    return 2
  }
  const user = await users.findByUsername(username)
  if (!user || !(await inWriteTransaction(io.engine, NO_SESSION, (tx) => users.removeById(user.id, tx)))) {
    io.err(`No user named "${username}".`)
    return 1
  }
  try {
    await io.invalidateSessions?.({ userIds: [user.id] })
  } catch (error) {
    io.err(`Removed user ${username}, but the running instances did not all confirm they dropped the sessions (${String(error)}); they stop using their caches within ${LEASE_MS / 1000} s of losing Redis.`)
    return 1
  }
  io.out(`Removed user ${username} and ended their sessions.`)
  return 0
}
