import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { DATABASE_FILE } from '../store/database.js'
import { openEngine, type Engine } from '../store/engine.js'
import { MIGRATIONS } from '../store/migrations.js'
import { UserStore } from '../store/user-store.js'
import { asOperator } from '../test-support/as-operator.js'
import { startServerProcess, type ServerProcess } from '../test-support/server-process.js'

const root = path.resolve(import.meta.dirname, '../../../..')
const cli = path.join(root, 'apps/api/src/cli/db.ts')

interface Run {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** `pnpm db …` as a person runs it, in its own process, under umask 000 (the file's mode is the code's, not the umask's). */
function runDb(args: readonly string[], dataDir: string): Promise<Run> {
  const child = spawn('sh', ['-c', 'umask 000; exec "$0" "$@"', process.execPath, '--conditions=source', '--import', 'tsx', cli, ...args], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'test', DATA_DIR: dataDir, DATABASE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })))
}

const cleanup: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step()
})

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'tokenauth-backup-'))
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

async function engineOn(dataDir: string): Promise<Engine> {
  const engine = await openEngine({ dataDir, databaseUrl: undefined })
  cleanup.push(() => engine.close())
  return engine
}

async function serverOn(dataDir: string): Promise<ServerProcess> {
  const server = await startServerProcess({ DATA_DIR: dataDir })
  cleanup.push(async () => void (await server.stop()))
  return server
}

async function addUser(engine: Engine, username: string): Promise<number> {
  const user = await asOperator(engine, (tx) => new UserStore(engine).create({ username, passwordHash: 'x', roles: ['user'], createdAt: 0 }, tx))
  return user.id
}

function inspect(file: string): { integrity: unknown; ids: number[] } {
  const db = new Database(file, { readonly: true, fileMustExist: true })
  try {
    const integrity = db.pragma('integrity_check', { simple: true })
    const ids = db.prepare('SELECT id FROM users ORDER BY id').pluck().all() as number[]
    return { integrity, ids }
  } finally {
    db.close()
  }
}

/** A valid backup of a database holding `alice`, in a folder of its own. */
async function aBackup(): Promise<string> {
  const dataDir = tempDir()
  const engine = await engineOn(dataDir)
  await addUser(engine, 'alice')
  const file = path.join(tempDir(), 'backup.sqlite')
  expect((await runDb(['backup', file], dataDir)).code).toBe(0)
  return file
}

describe('pnpm db backup / restore (SQLite)', () => {
  it('backs up while a server runs and rows are written, and the restore holds every row committed before it began', async () => {
    const dataDir = tempDir()
    const engine = await engineOn(dataDir)
    await serverOn(dataDir)
    let next = 0
    let lastCommitted = 0
    let writing = true
    const writer = (async () => {
      while (writing) {
        lastCommitted = await addUser(engine, `writer-${next++}`)
        // The store's promises settle as microtasks: yield to timers and the child's events.
        await new Promise((resolve) => setImmediate(resolve))
      }
    })()
    while (lastCommitted < 20) await new Promise((resolve) => setTimeout(resolve, 5))

    const file = path.join(tempDir(), 'backup.sqlite')
    const committedBefore = lastCommitted
    const backup = await runDb(['backup', file], dataDir)
    const committedDuring = lastCommitted
    writing = false
    await writer

    expect(backup, backup.stderr).toMatchObject({ code: 0 })
    expect(committedDuring).toBeGreaterThan(committedBefore) // the writes went on while the backup ran
    expect(statSync(file).mode & 0o777).toBe(0o600)

    const restoredDir = tempDir()
    const restore = await runDb(['restore', file], restoredDir)
    expect(restore, restore.stderr).toMatchObject({ code: 0 })
    const restored = path.join(restoredDir, DATABASE_FILE)
    expect(statSync(restored).mode & 0o777).toBe(0o600)
    const { integrity, ids } = inspect(restored)
    expect(integrity).toBe('ok')
    for (let id = 1; id <= committedBefore; id++) expect(ids).toContain(id)
    // A restored database is one the server starts on.
    const server = await serverOn(restoredDir)
    expect((await fetch(`${server.base}/api/health`)).status).toBe(200)
  })

  it('refuses to restore while a server holds the database, in one line, and leaves it as it was', async () => {
    const backup = await aBackup()
    const dataDir = tempDir()
    const engine = await engineOn(dataDir)
    await addUser(engine, 'bob')
    await engine.close()
    await serverOn(dataDir)

    const run = await runDb(['restore', backup], dataDir)
    expect(run.code).toBe(1)
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^restore refused: a server has .*tokenauth\.sqlite open: stop it first/)])
    expect(inspect(path.join(dataDir, DATABASE_FILE)).ids).toEqual([1])
    const still = new Database(path.join(dataDir, DATABASE_FILE), { readonly: true })
    expect(still.prepare('SELECT username FROM users').pluck().all()).toEqual(['bob'])
    still.close()
  })

  it('refuses a corrupt file and a file that is no database', async () => {
    const backup = await aBackup()
    const corrupt = path.join(tempDir(), 'corrupt.sqlite')
    const bytes = readFileSync(backup)
    const pageSize = bytes.readUInt16BE(16)
    // Scribble over every page after the first (the schema stays readable, the b-trees do not).
    for (let offset = pageSize; offset < bytes.length; offset += 97) bytes[offset] = 0x5a
    writeFileSync(corrupt, bytes)
    const notSqlite = path.join(tempDir(), 'notes.txt')
    writeFileSync(notSqlite, 'hello, this is not a database '.repeat(200))

    for (const file of [corrupt, notSqlite]) {
      const dataDir = tempDir()
      const run = await runDb(['restore', file], dataDir)
      expect(run.code, run.stderr).toBe(1)
      expect(run.stderr).toMatch(/^restore refused: .*(integrity_check|not a readable SQLite database|not a tokenauth database)/)
    }
  })

  it('refuses a backup of a newer schema than the code knows', async () => {
    const backup = await aBackup()
    const db = new Database(backup)
    db.pragma(`user_version = ${MIGRATIONS.length + 1}`)
    db.close()
    const run = await runDb(['restore', backup], tempDir())
    expect(run.code).toBe(1)
    expect(run.stderr).toContain(`schema version ${MIGRATIONS.length + 1}, newer than this code's ${MIGRATIONS.length}`)
  })

  it('never overwrites an existing file with a backup', async () => {
    const dataDir = tempDir()
    await addUser(await engineOn(dataDir), 'alice')
    const file = path.join(tempDir(), 'taken.sqlite')
    writeFileSync(file, 'keep me')
    const run = await runDb(['backup', file], dataDir)
    expect(run.code).toBe(1)
    expect(readFileSync(file, 'utf8')).toBe('keep me')
  })
})
