import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { generateSigningKey, type SigningKey } from '@tokenauth/signer'
import type { LoginResponse } from '@tokenauth/shared'
import { buildApp } from '../app.js'
import { loadConfig } from '../config/config.js'
import { hashPassword } from '../auth/passwords.js'
import type { App } from '../http/app-instance.js'
import type { Services } from '../services.js'
import type { Tables } from '../store/tables.js'
import { inWriteTransaction, NO_SESSION } from '../store/write-transaction.js'
import { createTestPostgresDatabase } from './postgres-database.js'

/** The same for every test app, so a "restart" on the same folder still opens what it sealed. */
export const TEST_DATA_KEY: SigningKey = { kid: 'test-data-1', secret: new Uint8Array(32).fill(7) }

/** A clock tests move by hand. */
export interface ManualClock {
  (): number
  advance(ms: number): void
  set(ms: number): void
}

export function manualClock(start = Date.UTC(2026, 0, 1, 9)): ManualClock {
  let now = start
  const clock = (() => now) as ManualClock
  clock.advance = (ms) => {
    now += ms
  }
  clock.set = (ms) => {
    now = ms
  }
  return clock
}

export interface TestApp {
  readonly app: App
  readonly services: Services
  readonly clock: ManualClock
  readonly dataDir: string
  readonly keys: SigningKey[]
  addUser(username: string, password: string, roles?: string[]): Promise<{ id: number }>
  /** Logs in through the API; returns the body and the session cookie header to send back. */
  login(username: string, password: string): Promise<LoginResponse & { cookie: string }>
  close(): Promise<void>
}

export interface TestAppOptions {
  /** Reuse a data folder (a "restart"); it is then left in place on close. */
  readonly dataDir?: string
  readonly clock?: ManualClock
  /** Where the server's log goes (tests that read it); LOG_LEVEL still decides what is written. */
  readonly logStream?: NodeJS.WritableStream
  /** `postgres`: a fresh PostgreSQL database of the app's own, dropped on close (default: TEST_ENGINE, else SQLite). */
  readonly engine?: 'sqlite' | 'postgres'
}

/**
 * The real app on a real SQLite file in a fresh temporary folder, with a manual clock.
 * `env` overrides configuration variables.
 */
export async function createTestApp(
  env: Record<string, string> = {},
  keys = [generateSigningKey('test-1')],
  options: TestAppOptions = {},
): Promise<TestApp> {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'tokenauth-test-'))
  const clock = options.clock ?? manualClock()
  // TEST_ENGINE=postgres runs a suite on a fresh PostgreSQL database of its own (tests that pass DATABASE_URL choose themselves).
  const engine = options.engine ?? (process.env.TEST_ENGINE === 'postgres' ? 'postgres' : 'sqlite')
  const ownDatabase = engine === 'postgres' && !env.DATABASE_URL ? await createTestPostgresDatabase() : undefined
  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    WEB_DIST_DIR: path.join(dataDir, 'no-web'),
    // A loaded machine can stall a test process for a second, which load shedding would
    // answer with 503s for the next one; plugins/load-shedding.test.ts turns it on.
    OVERLOAD_EVENT_LOOP_DELAY_MS: '0',
    ...(ownDatabase ? { DATABASE_URL: ownDatabase.url } : {}),
    ...env,
  })
  const app = await buildApp(config, {
    clock,
    ...(options.logStream ? { logStream: options.logStream } : {}),
    secrets: { tokenKeys: keys, sessionSecrets: ['test-session-secret-with-at-least-32-chars'], dataKeys: [TEST_DATA_KEY] },
  })
  await app.ready()
  const { services } = app
  return {
    app,
    services,
    clock,
    dataDir,
    keys,
    async addUser(username, password, roles = []) {
      const passwordHash = await hashPassword(password)
      return inWriteTransaction(services.engine, NO_SESSION, (tx) => services.users.create({ username, passwordHash, roles, createdAt: clock() }, tx))
    },
    async login(username, password) {
      const response = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } })
      if (response.statusCode !== 200) throw new Error(`login failed: ${response.statusCode} ${response.body}`)
      const setCookie = response.cookies.find((c) => c.name === 'tokenauth.sid')
      if (!setCookie) throw new Error('login set no session cookie')
      return { ...(response.json() as LoginResponse), cookie: `${setCookie.name}=${setCookie.value}` }
    },
    async close() {
      await app.close()
      await ownDatabase?.drop()
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

export type LoginResult = Awaited<ReturnType<TestApp['login']>>
export const ALICE_PASSWORD = 'correct horse battery'

/** The most common fixture: a fresh app where `alice` (no roles) has just signed in. */
export async function createAppWithAlice(env: Record<string, string> = {}): Promise<{ t: TestApp; alice: LoginResult }> {
  const t = await createTestApp(env)
  await t.addUser('alice', ALICE_PASSWORD)
  return { t, alice: await t.login('alice', ALICE_PASSWORD) }
}

/** How many rows `table` holds, on either engine. */
export async function countRows(services: Services, table: keyof Tables): Promise<number> {
  const row = await services.engine.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst()
  return Number(row?.n ?? 0)
}

/** Every row of `table`, on either engine. */
export async function allRows(services: Services, table: keyof Tables): Promise<Record<string, unknown>[]> {
  return (await services.engine.db.selectFrom(table).selectAll().execute()) as Record<string, unknown>[]
}
