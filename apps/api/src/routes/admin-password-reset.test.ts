import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../test-support/test-app.js'

/** A stolen admin token must not turn into a permanent takeover through the admin reset. */
const PASSWORD = 'correct horse battery'
let t: TestApp
let root: { id: number; token: string }
let otherAdminId: number
beforeEach(async () => {
  t = await createTestApp()
  const rootId = (await t.addUser('root', PASSWORD, ['admin'])).id
  otherAdminId = (await t.addUser('second-admin', PASSWORD, ['admin'])).id
  root = { id: rootId, token: (await t.login('root', PASSWORD)).token }
})
afterEach(async () => t.close())

const reset = (id: number, payload: object) =>
  t.app.inject({ method: 'POST', url: `/api/users/${id}/password`, headers: { token: root.token }, payload })

describe('POST /api/users/:id/password — guards', () => {
  it("refuses the caller's own account with 409, pointing to /api/me/password; the password stays", async () => {
    const response = await reset(root.id, { newPassword: 'taken over for good', adminPassword: PASSWORD })
    expect(response.statusCode).toBe(409)
    expect(response.json().error).toEqual({ code: 'conflict', message: expect.stringContaining('/api/me/password') })
    await t.login('root', PASSWORD)
  })

  it("needs the acting admin's own password to reset another admin's: 403 without it, 403 when wrong", async () => {
    const missing = await reset(otherAdminId, { newPassword: 'a brand new passphrase' })
    expect(missing.statusCode).toBe(403)
    expect(missing.json().error.code).toBe('invalid_credentials')
    const wrong = await reset(otherAdminId, { newPassword: 'a brand new passphrase', adminPassword: 'not my password' })
    expect(wrong.statusCode).toBe(403)
    await t.login('second-admin', PASSWORD)
  })

  it("resets another admin's password with the acting admin's own password", async () => {
    const response = await reset(otherAdminId, { newPassword: 'a brand new passphrase', adminPassword: PASSWORD })
    expect(response.statusCode).toBe(200)
    await t.login('second-admin', 'a brand new passphrase')
  })

  it("resets a non-admin's password without it", async () => {
    const alice = await t.addUser('alice', PASSWORD)
    expect((await reset(alice.id, { newPassword: 'a brand new passphrase' })).statusCode).toBe(200)
  })
})
