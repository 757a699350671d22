import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../test-support/test-app.js'

let t: TestApp
let alice: string
let bob: string
let admin: string
beforeEach(async () => {
  t = await createTestApp()
  await t.addUser('alice', 'correct horse battery')
  await t.addUser('bob', 'correct horse battery')
  await t.addUser('root', 'correct horse battery', ['admin'])
  alice = (await t.login('alice', 'correct horse battery')).token
  bob = (await t.login('bob', 'correct horse battery')).token
  admin = (await t.login('root', 'correct horse battery')).token
})
afterEach(async () => t.close())

const create = (token: string, text: string) =>
  t.app.inject({ method: 'POST', url: '/api/notes', headers: { token }, payload: { text } })

describe('/api/notes — per-method rules', () => {
  it('GET and POST need a signed-in user', async () => {
    expect((await t.app.inject({ url: '/api/notes' })).statusCode).toBe(401)
    expect((await t.app.inject({ method: 'POST', url: '/api/notes', payload: { text: 'x' } })).statusCode).toBe(401)
  })

  it('creates and lists notes, newest first, with their owner', async () => {
    const first = await create(alice, 'first')
    expect(first.statusCode).toBe(201)
    expect(first.json()).toMatchObject({ id: 1, ownerId: 1, ownerUsername: 'alice', text: 'first' })
    await create(bob, 'second ✓ ünïcödé 🎉')
    const list = await t.app.inject({ url: '/api/notes', headers: { token: alice } })
    expect(list.statusCode).toBe(200)
    expect(list.json().notes.map((n: { text: string }) => n.text)).toEqual(['second ✓ ünïcödé 🎉', 'first'])
  })

  it('DELETE: the owner may, another user gets 403 insufficient_role, an admin may', async () => {
    const aliceNote = (await create(alice, 'mine')).json().id
    const bobNote = (await create(bob, 'his')).json().id
    const refused = await t.app.inject({ method: 'DELETE', url: `/api/notes/${aliceNote}`, headers: { token: bob } })
    expect(refused.statusCode).toBe(403)
    expect(refused.json().error.code).toBe('insufficient_role')
    expect(refused.headers['www-authenticate']).toBeUndefined()
    expect((await t.app.inject({ method: 'DELETE', url: `/api/notes/${aliceNote}`, headers: { token: alice } })).statusCode).toBe(204)
    expect((await t.app.inject({ method: 'DELETE', url: `/api/notes/${bobNote}`, headers: { token: admin } })).statusCode).toBe(204)
    expect((await t.app.inject({ url: '/api/notes', headers: { token: alice } })).json().notes).toEqual([])
  })

  it('DELETE without a token is 401 before anything else', async () => {
    const id = (await create(alice, 'mine')).json().id
    expect((await t.app.inject({ method: 'DELETE', url: `/api/notes/${id}` })).statusCode).toBe(401)
  })

  it.each(['0', '-1', 'abc', '1.5', '99999999999999999999', '%00'])('DELETE /api/notes/%s is 400, not 500', async (id) => {
    const response = await t.app.inject({ method: 'DELETE', url: `/api/notes/${id}`, headers: { token: alice } })
    expect(response.statusCode).toBe(400)
    expect(response.json().error.code).toBe('bad_request')
  })

  it('DELETE of a note that does not exist is 404', async () => {
    const response = await t.app.inject({ method: 'DELETE', url: '/api/notes/4242', headers: { token: alice } })
    expect(response.statusCode).toBe(404)
    expect(response.json().error.code).toBe('not_found')
  })

  it('refuses empty and oversized notes', async () => {
    expect((await create(alice, '')).statusCode).toBe(400)
    expect((await create(alice, 'x'.repeat(2001))).statusCode).toBe(400)
  })
})

describe('GET /api/users', () => {
  it('is for admins only', async () => {
    const refused = await t.app.inject({ url: '/api/users', headers: { token: alice } })
    expect(refused.statusCode).toBe(403)
    expect(refused.json().error.code).toBe('insufficient_role')
    const list = await t.app.inject({ url: '/api/users', headers: { token: admin } })
    expect(list.statusCode).toBe(200)
    expect(list.json().users.map((u: { username: string }) => u.username)).toEqual(['alice', 'bob', 'root'])
    expect(JSON.stringify(list.json())).not.toContain('argon2')
  })
})
