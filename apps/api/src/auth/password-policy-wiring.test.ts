import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../test-support/test-app.js'
import { runUsersCommand } from '../cli/users-command.js'
import { openSqlite } from '../store/engine.js'

let t: TestApp
afterEach(async () => t?.close())

const COMMON = 'iloveyou1'
const refusal = { error: { code: 'invalid_password', message: expect.stringMatching(/most common passwords.*Choose another/) } }

describe('every place a password is set applies the policy; sign-in does not', () => {
  it('setup refuses a common password with 400 invalid_password and creates no one', async () => {
    t = await createTestApp()
    const setupToken = await t.services.setupTokens.issue()
    const response = await t.app.inject({ method: 'POST', url: '/api/setup', payload: { setupToken, username: 'root', password: COMMON } })
    expect(response.statusCode).toBe(400)
    expect(response.json()).toEqual(refusal)
    expect(await t.services.users.count()).toBe(0)
  })

  it('password change and admin reset refuse it too', async () => {
    t = await createTestApp()
    await t.addUser('root', 'correct horse battery', ['admin'])
    const alice = await t.addUser('alice', 'correct horse battery')
    const { token } = await t.login('root', 'correct horse battery')
    const change = await t.app.inject({
      method: 'POST',
      url: '/api/me/password',
      headers: { token },
      payload: { currentPassword: 'correct horse battery', newPassword: COMMON },
    })
    const reset = await t.app.inject({ method: 'POST', url: `/api/users/${alice.id}/password`, headers: { token }, payload: { newPassword: COMMON } })
    for (const response of [change, reset]) {
      expect(response.statusCode).toBe(400)
      expect(response.json()).toEqual(refusal)
    }
  })

  it('`users add` refuses it', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'tokenauth-cli-'))
    const db = openSqlite(dataDir)
    const err: string[] = []
    try {
      const io = { engine: db, interactive: false, readPassword: async () => COMMON, out: () => {}, err: (line: string) => err.push(line), now: () => 0 }
      expect(await runUsersCommand(['add', 'alice'], io)).toBe(1)
      expect(err.join('\n')).toMatch(/most common passwords/)
    } finally {
      await db.close()
      rmSync(dataDir, { recursive: true, force: true })
    }
  })

  it('a user whose old password is common still signs in with it', async () => {
    t = await createTestApp()
    await t.addUser('old-timer', 'password1')
    expect((await t.login('old-timer', 'password1')).token).toBeTruthy()
  })
})
