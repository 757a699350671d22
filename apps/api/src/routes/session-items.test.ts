import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createAppWithAlice, type TestApp } from '../test-support/test-app.js'

let t: TestApp
let token: string
beforeEach(async () => {
  ({ t, alice: { token } } = await createAppWithAlice())
})
afterEach(async () => t.close())

const call = (method: 'GET' | 'PUT' | 'DELETE', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: { token }, ...(payload ? { payload } : {}) })

describe('/api/session — the seed’s session[...] made useful', () => {
  it('shows what the server keeps: id, user, times', async () => {
    const response = await call('GET', '/api/session')
    expect(response.statusCode).toBe(200)
    const view = response.json()
    expect(view).toMatchObject({ userId: 1, items: {} })
    expect(Date.parse(view.absoluteExpiresAt) - Date.parse(view.createdAt)).toBe(12 * 3600 * 1000)
    expect(Date.parse(view.idleExpiresAt) - Date.parse(view.lastSeenAt)).toBe(30 * 60 * 1000)
  })

  it('sets, reads, removes one key and clears all', async () => {
    expect((await call('PUT', '/api/session/items/username', { value: 'root' })).json()).toEqual({ key: 'username', value: 'root' })
    await call('PUT', '/api/session/items/theme', { value: 'dark' })
    expect((await call('GET', '/api/session/items/username')).json()).toEqual({ key: 'username', value: 'root' })
    expect((await call('GET', '/api/session')).json().items).toEqual({ username: 'root', theme: 'dark' })
    expect((await call('DELETE', '/api/session/items/username')).statusCode).toBe(204)
    expect((await call('GET', '/api/session/items/username')).statusCode).toBe(404)
    expect((await call('DELETE', '/api/session/items/username')).statusCode).toBe(404)
    expect((await call('DELETE', '/api/session/items')).statusCode).toBe(204)
    expect((await call('GET', '/api/session')).json().items).toEqual({})
  })

  it('keeps items per session: another login does not see them', async () => {
    await call('PUT', '/api/session/items/k', { value: 'v' })
    const other = await t.login('alice', 'correct horse battery')
    const view = await t.app.inject({ url: '/api/session', headers: { token: other.token } })
    expect(view.json().items).toEqual({})
  })

  it('refuses bad keys, bad values and more than 32 items', async () => {
    expect((await call('PUT', '/api/session/items/bad%20key', { value: 'v' })).statusCode).toBe(400)
    expect((await call('PUT', '/api/session/items/__proto__x', { value: 1 as unknown as object })).statusCode).toBe(400)
    expect((await call('PUT', '/api/session/items/k', { value: 'v'.repeat(1025) })).statusCode).toBe(400)
    for (let i = 0; i < 32; i++) expect((await call('PUT', `/api/session/items/k${i}`, { value: 'v' })).statusCode).toBe(200)
    const over = await call('PUT', '/api/session/items/one-more', { value: 'v' })
    expect(over.statusCode).toBe(409)
    expect(over.json().error.code).toBe('conflict')
  })

  it('a __proto__ key is stored as data, not as a prototype', async () => {
    expect((await call('PUT', '/api/session/items/__proto__', { value: 'x' })).statusCode).toBe(200)
    expect((await call('GET', '/api/session/items/__proto__')).json()).toEqual({ key: '__proto__', value: 'x' })
  })

  it('needs a token', async () => {
    expect((await t.app.inject({ url: '/api/session' })).statusCode).toBe(401)
  })
})
