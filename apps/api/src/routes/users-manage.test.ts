import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp, countRows } from '../test-support/test-app.js'

let t: TestApp
let admin: string
let rootId: number
let aliceToken: string
let aliceId: number
beforeEach(async () => {
  t = await createTestApp()
  rootId = (await t.addUser('root', 'correct horse battery', ['admin'])).id
  aliceId = (await t.addUser('alice', 'correct horse battery')).id
  admin = (await t.login('root', 'correct horse battery')).token
  aliceToken = (await t.login('alice', 'correct horse battery')).token
})
afterEach(async () => t.close())

const send = (method: 'POST' | 'PUT' | 'DELETE', url: string, payload?: object, token = admin) =>
  t.app.inject({ method, url, headers: { token }, ...(payload ? { payload } : {}) })
const lastEvent = async (kind: string) => (await t.services.auditStore.page({ limit: 100, kind: kind as never })).events[0]

describe('POST /api/users', () => {
  it('creates a user who can then sign in, and records it', async () => {
    const response = await send('POST', '/api/users', { username: 'bob', password: 'a long enough secret', roles: ['editor'] })
    expect(response.statusCode).toBe(201)
    expect(response.json()).toEqual({
      id: expect.any(Number),
      username: 'bob',
      roles: ['editor'],
      disabled: false,
      createdAt: new Date(t.clock()).toISOString(),
      sessions: 0,
    })
    const signedIn = await t.login('bob', 'a long enough secret')
    expect(signedIn.user.roles).toEqual(['editor'])
    expect(await lastEvent('user_created')).toMatchObject({ username: 'bob', detail: { reason: 'created_by_admin', params: { actor: 'root', roles: ['editor'] } } })
  })

  it('applies the password policy, and refuses a taken username (any case) with 409', async () => {
    const weak = await send('POST', '/api/users', { username: 'bob', password: 'password', roles: [] })
    expect(weak.statusCode).toBe(400)
    expect(weak.json().error.code).toBe('invalid_password')
    const taken = await send('POST', '/api/users', { username: 'ALICE', password: 'a long enough secret', roles: [] })
    expect(taken.statusCode).toBe(409)
    expect(taken.json().error.code).toBe('conflict')
  })

  it('validates the body: bad username, bad or repeated roles, extra fields are 400', async () => {
    for (const payload of [
      { username: 'no spaces', password: 'a long enough secret', roles: [] },
      { username: 'bob', password: 'a long enough secret', roles: ['Admin!'] },
      { username: 'bob', password: 'a long enough secret', roles: ['x', 'x'] },
      { username: 'bob', password: 'a long enough secret', roles: [], extra: 1 },
      { username: 'bob', password: 'a long enough secret' },
    ]) {
      const response = await send('POST', '/api/users', payload)
      expect(response.statusCode, JSON.stringify(payload)).toBe(400)
      expect(response.json().error.code).toBe('bad_request')
    }
  })

  it('is for admins only', async () => {
    const response = await send('POST', '/api/users', { username: 'bob', password: 'a long enough secret', roles: ['admin'] }, aliceToken)
    expect(response.statusCode).toBe(403)
    expect(await t.services.users.findByUsername('bob')).toBeUndefined()
  })
})

describe('PUT /api/users/:id/roles', () => {
  it("replaces a user's roles, takes effect at their next sign-in, and records old and new", async () => {
    const response = await send('PUT', `/api/users/${aliceId}/roles`, { roles: ['admin', 'editor'] })
    expect(response.statusCode).toBe(200)
    expect(response.json()).toMatchObject({ username: 'alice', roles: ['admin', 'editor'], sessions: 1 })
    expect((await t.login('alice', 'correct horse battery')).user.roles).toEqual(['admin', 'editor'])
    expect(await lastEvent('user_roles_changed')).toMatchObject({ username: 'alice', detail: { reason: 'roles_changed_by_admin', params: { actor: 'root', from: [], to: ['admin', 'editor'] } } })
  })

  it('refuses to take admin from the last admin who can sign in (409), allows it with a second one', async () => {
    const refused = await send('PUT', `/api/users/${rootId}/roles`, { roles: [] })
    expect(refused.statusCode).toBe(409)
    expect(refused.json().error.code).toBe('conflict')
    expect((await t.services.users.findById(rootId))?.roles).toEqual(['admin'])
    // Keeping admin is fine, even for the last one.
    expect((await send('PUT', `/api/users/${rootId}/roles`, { roles: ['admin', 'editor'] })).statusCode).toBe(200)
    // A disabled admin does not count as one who can sign in.
    expect((await send('PUT', `/api/users/${aliceId}/roles`, { roles: ['admin'] })).statusCode).toBe(200)
    expect((await send('POST', `/api/users/${aliceId}/disable`, {})).statusCode).toBe(200)
    expect((await send('PUT', `/api/users/${rootId}/roles`, { roles: [] })).statusCode).toBe(409)
    expect((await send('POST', `/api/users/${aliceId}/enable`, {})).statusCode).toBe(204)
    expect((await send('PUT', `/api/users/${rootId}/roles`, { roles: [] })).statusCode).toBe(200)
  })

  it('answers 404 for an unknown user, 400 for a bad body, 403 for a non-admin', async () => {
    expect((await send('PUT', '/api/users/999/roles', { roles: [] })).statusCode).toBe(404)
    expect((await send('PUT', `/api/users/${aliceId}/roles`, { roles: 'admin' })).statusCode).toBe(400)
    expect((await send('PUT', `/api/users/${aliceId}/roles`, { roles: ['admin'] }, aliceToken)).statusCode).toBe(403)
  })
})

describe('DELETE /api/users/:id', () => {
  it('deletes the user with their sessions and notes; their token stops working; recorded', async () => {
    await t.app.inject({ method: 'POST', url: '/api/notes', headers: { token: aliceToken }, payload: { text: 'mine' } })
    const response = await send('DELETE', `/api/users/${aliceId}`)
    expect(response.statusCode).toBe(204)
    expect(await t.services.users.findById(aliceId)).toBeUndefined()
    expect((await t.app.inject({ url: '/api/me', headers: { token: aliceToken } })).statusCode).toBe(401)
    await expect(t.login('alice', 'correct horse battery')).rejects.toThrow(/401/)
    expect(await countRows(t.services, 'notes')).toBe(0)
    expect(await lastEvent('user_deleted')).toMatchObject({ userId: aliceId, username: 'alice', detail: { reason: 'by_admin', params: { actor: 'root' } } })
    expect((await send('DELETE', `/api/users/${aliceId}`)).statusCode).toBe(404)
  })

  it('refuses to delete the last admin who can sign in (409)', async () => {
    const response = await send('DELETE', `/api/users/${rootId}`)
    expect(response.statusCode).toBe(409)
    expect(response.json().error.code).toBe('conflict')
    expect(await t.services.users.findById(rootId)).toBeDefined()
  })

  it('is for admins only', async () => {
    expect((await send('DELETE', `/api/users/${rootId}`, undefined, aliceToken)).statusCode).toBe(403)
    expect((await send('DELETE', '/api/users/0')).statusCode).toBe(400)
  })
})
