import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestPostgresDatabase, type TestPostgresDatabase } from '../test-support/postgres-database.js'
import { UserStore } from '../store/user-store.js'
import { openCliDatabase } from './cli-database.js'
import { runUsersCommand } from './users-command.js'

let database: TestPostgresDatabase
beforeAll(async () => {
  database = await createTestPostgresDatabase()
})
afterAll(async () => {
  await database?.drop()
})

describe('the users CLI against DATABASE_URL', () => {
  it('writes to PostgreSQL and says so, with the password masked', async () => {
    const url = new URL(database.url)
    url.password = 'not-a-real-secret' // trust auth: any password connects
    const said: string[] = []
    const engine = await openCliDatabase({ dataDir: '/nonexistent', databaseUrl: url.toString() }, (line) => said.push(line))
    try {
      expect(said).toEqual([`Database: postgres://postgres:***@${url.host}/${database.name} (PostgreSQL, from DATABASE_URL)`])
      const out: string[] = []
      const io = { engine, interactive: false, readPassword: async () => 'secret-pass-123', out: (line: string) => out.push(line), err: () => {}, now: () => 0 }
      expect(await runUsersCommand(['add', 'carol', '--role', 'admin'], io)).toBe(0)
      expect((await new UserStore(engine).findByUsername('CAROL'))?.roles).toEqual(['admin'])
    } finally {
      await engine.close()
    }
  })
})
