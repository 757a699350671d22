import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openSqlite, type Engine } from '../store/engine.js'
import { UserStore } from '../store/user-store.js'
import { verifyPassword } from '../auth/passwords.js'
import { createTestApp } from '../test-support/test-app.js'
import { runUsersCommand, type UsersCommandIo } from './users-command.js'

let dataDir: string
let db: Engine
let out: string[]
let err: string[]
const io = (passwords: string[], interactive = false): UsersCommandIo => ({
  engine: db,
  interactive,
  readPassword: async () => passwords.shift() ?? '',
  out: (line) => out.push(line),
  err: (line) => err.push(line),
  now: () => 0,
})

beforeEach(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'tokenauth-cli-'))
  db = openSqlite(dataDir)
  out = []
  err = []
})
afterEach(async () => {
  await db.close()
  rmSync(dataDir, { recursive: true, force: true })
})

describe('users command', () => {
  it('adds a user with roles and a hashed password', async () => {
    expect(await runUsersCommand(['add', 'alice', '--role', 'admin'], io(['secret-pass']))).toBe(0)
    const user = (await new UserStore(db).findByUsername('alice'))
    expect(user?.roles).toEqual(['admin'])
    expect(user?.passwordHash).toMatch(/^\$argon2id\$/)
    expect(await verifyPassword(user?.passwordHash ?? '', 'secret-pass')).toBe(true)
    expect(out.join('\n')).toContain('Created user alice')
  })

  it('asks twice on a terminal and refuses a mismatch', async () => {
    expect(await runUsersCommand(['add', 'alice'], io(['secret-pass', 'secret-pasz'], true))).toBe(1)
    expect(err.join('\n')).toContain('do not match')
    expect((await new UserStore(db).count())).toBe(0)
  })

  it('refuses short passwords, bad names, bad roles and taken names', async () => {
    expect(await runUsersCommand(['add', 'alice'], io(['short']))).toBe(1)
    expect(await runUsersCommand(['add', 'al ice'], io(['secret-pass']))).toBe(2)
    expect(await runUsersCommand(['add', 'alice', '--role', 'Admin!'], io(['secret-pass']))).toBe(2)
    expect(await runUsersCommand(['add', 'alice'], io(['secret-pass']))).toBe(0)
    expect(await runUsersCommand(['add', 'ALICE'], io(['secret-pass']))).toBe(1)
    expect(err.join('\n')).toMatch(/at least 8 characters[\s\S]*letters, digits[\s\S]*not a role name[\s\S]*taken/)
  })

  it('lists and removes users', async () => {
    await runUsersCommand(['add', 'alice', '--role', 'admin'], io(['secret-pass']))
    await runUsersCommand(['add', 'bob'], io(['secret-pass']))
    out = []
    expect(await runUsersCommand(['list'], io([]))).toBe(0)
    expect(out).toEqual(['   1  alice  (roles: admin)', '   2  bob  (no roles)'])
    expect(await runUsersCommand(['remove', 'bob'], io([]))).toBe(0)
    expect(await runUsersCommand(['remove', 'bob'], io([]))).toBe(1)
    expect((await new UserStore(db).list()).map((u) => u.username)).toEqual(['alice'])
  })

  it('a removal tells the running instances to drop the user\'s cached sessions, and says so when they did not all confirm', async () => {
    await runUsersCommand(['add', 'carol'], io(['secret-pass']))
    await runUsersCommand(['add', 'dave'], io(['secret-pass']))
    const [carol, dave] = await new UserStore(db).list()
    const targets: unknown[] = []
    expect(await runUsersCommand(['remove', 'carol'], { ...io([]), invalidateSessions: async (target) => void targets.push(target) })).toBe(0)
    expect(targets).toEqual([{ userIds: [carol?.id] }])
    const failing = { ...io([]), invalidateSessions: () => Promise.reject(new Error('not acknowledged')) }
    expect(await runUsersCommand(['remove', 'dave'], failing)).toBe(1)
    expect(err.join('\n')).toContain('did not all confirm')
    expect(await new UserStore(db).findById(dave?.id ?? 0)).toBeUndefined()
  })

  it('prints usage for unknown commands', async () => {
    expect(await runUsersCommand(['frobnicate'], io([]))).toBe(2)
    expect(err.join('\n')).toContain('Usage:')
  })
})

describe('the users CLI as a process', () => {
  it('reads the password from a pipe: printf "secret-pass\\n" | users add alice', async () => {
    const cli = path.resolve(import.meta.dirname, 'users.ts')
    const run = (args: string[], input = '') =>
      spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', cli, ...args], {
        input,
        env: { ...process.env, DATA_DIR: dataDir, NODE_ENV: 'development' },
        encoding: 'utf8',
      })
    const added = run(['add', 'carol', '--role', 'admin'], 'secret-pass\n')
    expect(added.stderr).toBe(`Database: ${path.join(dataDir, 'tokenauth.sqlite')}\n`)
    expect(added.status).toBe(0)
    expect(added.stdout).toContain('Created user carol')
    const listed = run(['list'])
    expect(listed.stdout).toContain('carol  (roles: admin)')
    const user = (await new UserStore(db).findByUsername('carol'))
    expect(user).toBeDefined()
  }, 30_000)

  it('says plainly when it had to create a new, empty database, and a user added there signs in at the first start', async () => {
    const freshDir = mkdtempSync(path.join(tmpdir(), 'tokenauth-cli-fresh-'))
    const file = path.join(freshDir, 'tokenauth.sqlite')
    try {
      const cli = path.resolve(import.meta.dirname, 'users.ts')
      const run = (args: string[], input = '') =>
        spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', cli, ...args], {
          input,
          env: { ...process.env, DATA_DIR: freshDir, NODE_ENV: 'development' },
          encoding: 'utf8',
        })
      const added = run(['add', 'dave', '--role', 'admin'], 'dave-secret-pass\n')
      expect(added.status).toBe(0)
      expect(added.stderr).toContain(`Created a new, empty database: ${file}`)
      expect(added.stderr).toContain(`DATA_DIR=${freshDir}`)
      // The second time the file is there: named, not "created".
      const listed = run(['list'])
      expect(listed.stderr).toBe(`Database: ${file}\n`)
      expect(listed.stdout).toContain('dave  (roles: admin)')
      // Adding users before the first start: the server migrates on from the CLI's database.
      const t = await createTestApp({}, undefined, { dataDir: freshDir, engine: 'sqlite' })
      try {
        expect((await t.login('dave', 'dave-secret-pass')).user).toMatchObject({ username: 'dave', roles: ['admin'] })
      } finally {
        await t.close()
      }
    } finally {
      rmSync(freshDir, { recursive: true, force: true })
    }
  }, 60_000)
})
