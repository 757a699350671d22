import { PassThrough } from 'node:stream'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type LoginResult, type TestApp } from '../test-support/test-app.js'

/**
 * The token is checked when the headers arrive; a body may follow minutes later. These
 * requests send their headers, the session is revoked, then the body arrives: the
 * handler must not act for a session that is no longer live.
 */
let t: TestApp
let root: LoginResult
let other: { id: number }
beforeEach(async () => {
  t = await createTestApp()
  await t.addUser('root', 'correct horse battery', ['admin'])
  other = await t.addUser('second-admin', 'correct horse battery', ['admin'])
  root = await t.login('root', 'correct horse battery')
})
afterEach(async () => t.close())

/** Starts a request whose body is sent only when `finish` is called. */
function slowRequest(method: 'POST' | 'PUT', url: string, token: string) {
  const body = new PassThrough()
  const response = t.app.inject({ method, url, headers: { token, 'content-type': 'application/json' }, payload: body })
  return {
    response,
    finish: (json: unknown) => body.end(JSON.stringify(json)),
  }
}

/** Lets the request's onRequest hooks (the first token check) run. */
const headersAccepted = () => sleep(20)

describe('a session revoked while the body is on its way', () => {
  it('creates no note after the session signed out (401, nothing stored)', async () => {
    const request = slowRequest('POST', '/api/notes', root.token)
    await headersAccepted()
    const logout = await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { token: root.token } })
    expect(logout.statusCode).toBe(204)
    request.finish({ text: 'sent before logout, finished after' })
    const response = await request.response
    expect(response.statusCode).toBe(401)
    expect(response.json().error.code).toBe('revoked_token')
    expect((await t.services.notes.list()).length).toBe(0)
  })

  it('resets no password for an admin disabled meanwhile (401, the hash unchanged)', async () => {
    const before = (await t.services.users.findById(other.id))?.passwordHash
    const request = slowRequest('POST', `/api/users/${other.id}/password`, root.token)
    await headersAccepted()
    // Another admin disables root: that ends root's sessions.
    const rootId = (await t.services.users.findByUsername('root'))?.id ?? 0
    const otherLogin = await t.login('second-admin', 'correct horse battery')
    const disable = await t.app.inject({ method: 'POST', url: `/api/users/${rootId}/disable`, headers: { token: otherLogin.token }, payload: {} })
    expect(disable.statusCode).toBe(200)
    request.finish({ newPassword: 'a brand new passphrase' })
    const response = await request.response
    expect(response.statusCode).toBe(401)
    expect((await t.services.users.findById(other.id))?.passwordHash).toBe(before)
  })

  it('still serves a request whose session stays live', async () => {
    const request = slowRequest('POST', '/api/notes', root.token)
    await headersAccepted()
    request.finish({ text: 'fine' })
    expect((await request.response).statusCode).toBe(201)
  })
})
