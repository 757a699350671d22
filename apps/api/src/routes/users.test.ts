import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../test-support/test-app.js'

let t: TestApp
let admin: string
let aliceToken: string
let aliceId: number
beforeEach(async () => {
  t = await createTestApp()
  await t.addUser('root', 'correct horse battery', ['admin'])
  aliceId = (await t.addUser('alice', 'correct horse battery')).id
  admin = (await t.login('root', 'correct horse battery')).token
  aliceToken = (await t.login('alice', 'correct horse battery')).token
})
afterEach(async () => t.close())

const post = (url: string, token = admin, payload?: object) =>
  t.app.inject({ method: 'POST', url, headers: { token }, ...(payload ? { payload } : {}) })

describe('admin user actions', () => {
  it('lists users with their state and live session count', async () => {
    const users = (await t.app.inject({ url: '/api/users', headers: { token: admin } })).json().users
    expect(users).toEqual([
      expect.objectContaining({ username: 'root', roles: ['admin'], disabled: false, sessions: 1 }),
      expect.objectContaining({ username: 'alice', roles: [], disabled: false, sessions: 1 }),
    ])
  })

  it('disabling ends all their sessions at once and blocks login; enabling lets them back', async () => {
    const disabled = await post(`/api/users/${aliceId}/disable`)
    expect(disabled.statusCode).toBe(200)
    expect(disabled.json()).toEqual({ ended: 1 })
    expect((await t.app.inject({ url: '/api/me', headers: { token: aliceToken } })).json().error.code).toBe('revoked_token')
    await expect(t.login('alice', 'correct horse battery')).rejects.toThrow(/401/)
    expect((await post(`/api/users/${aliceId}/enable`)).statusCode).toBe(204)
    await t.login('alice', 'correct horse battery')
  })

  it('refuses to disable the last admin who can sign in', async () => {
    const rootId = (await t.services.users.findByUsername('root'))?.id
    const response = await post(`/api/users/${rootId}/disable`)
    expect(response.statusCode).toBe(409)
    expect(response.json().error.code).toBe('conflict')
    // With a second admin it is allowed.
    await t.addUser('root2', 'correct horse battery', ['admin'])
    expect((await post(`/api/users/${rootId}/disable`)).statusCode).toBe(200)
  })

  it("ends a user's sessions", async () => {
    const response = await t.app.inject({ method: 'DELETE', url: `/api/users/${aliceId}/sessions`, headers: { token: admin } })
    expect(response.json()).toEqual({ ended: 1 })
    expect((await t.app.inject({ url: '/api/me', headers: { token: aliceToken } })).statusCode).toBe(401)
  })

  it('resets a password: the new one works, the old one and the old sessions do not', async () => {
    const response = await post(`/api/users/${aliceId}/password`, admin, { newPassword: 'reset by the admin' })
    expect(response.json()).toEqual({ ended: 1 })
    await expect(t.login('alice', 'correct horse battery')).rejects.toThrow(/401/)
    await t.login('alice', 'reset by the admin')
  })

  it('is for admins only, and answers 404 for an unknown user', async () => {
    expect((await post(`/api/users/${aliceId}/disable`, aliceToken)).statusCode).toBe(403)
    expect((await post('/api/users/999/disable')).statusCode).toBe(404)
    expect((await post('/api/users/abc/disable')).statusCode).toBe(400)
  })
})
