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
    const response = await reset(root.id, { newPassword: 'taken over for good' })
    expect(response.statusCode).toBe(409)
    expect(response.json().error).toEqual({ code: 'conflict', message: expect.stringContaining('/api/me/password') })
    await t.login('root', PASSWORD)
  })

  it("resets another admin's password: a recent proof is what it asks, never the acting admin's password in the body", async () => {
    const response = await reset(otherAdminId, { newPassword: 'a brand new passphrase' })
    expect(response.statusCode).toBe(200)
    await t.login('second-admin', 'a brand new passphrase')
    expect((await reset(otherAdminId, { newPassword: 'another new passphrase', adminPassword: PASSWORD })).statusCode).toBe(400)
  })

  it("resets a non-admin's password", async () => {
    const alice = await t.addUser('alice', PASSWORD)
    expect((await reset(alice.id, { newPassword: 'a brand new passphrase' })).statusCode).toBe(200)
  })
})
