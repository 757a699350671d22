import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../../test-support/test-app.js'
import { asOperator } from '../../test-support/as-operator.js'

let t: TestApp
beforeEach(async () => {
  t = await createTestApp()
})
afterEach(async () => t.close())

const setup = (payload: object) => t.app.inject({ method: 'POST', url: '/api/setup', payload })

describe('first-admin setup', () => {
  it('reports whether setup is needed', async () => {
    expect((await t.app.inject({ url: '/api/setup' })).json()).toEqual({ required: true })
    await t.addUser('someone', 'correct horse battery')
    expect((await t.app.inject({ url: '/api/setup' })).json()).toEqual({ required: false })
  })

  it('creates the first admin with a valid link, signs them in, and the link is single use', async () => {
    const setupToken = await t.services.setupTokens.issue()
    const response = await setup({ setupToken, username: 'root', password: 'correct horse battery' })
    expect(response.statusCode).toBe(201)
    expect(response.json().user).toEqual({ id: 1, username: 'root', roles: ['admin'] })
    expect(response.cookies.some((c) => c.name === 'tokenauth.sid')).toBe(true)
    const me = await t.app.inject({ url: '/api/me', headers: { token: response.json().token } })
    expect(me.statusCode).toBe(200)
    const again = await setup({ setupToken, username: 'root2', password: 'correct horse battery' })
    expect(again.statusCode).toBe(409)
    expect(again.json().error.code).toBe('setup_complete')
  })

  it('refuses a forged, expired or reused token with 403 invalid_setup_token', async () => {
    expect((await setup({ setupToken: 'a.b.c', username: 'root', password: 'correct horse battery' })).json().error.code).toBe(
      'invalid_setup_token',
    )
    const expired = await t.services.setupTokens.issue()
    t.clock.advance(61 * 60 * 1000)
    const late = await setup({ setupToken: expired, username: 'root', password: 'correct horse battery' })
    expect(late.statusCode).toBe(403)
    expect(late.json().error.code).toBe('invalid_setup_token')
  })

  it('an access token is not a setup token', async () => {
    const x = await t.addUser('x', 'correct horse battery')
    const { token } = await t.login('x', 'correct horse battery')
    await asOperator(t.services.engine, (tx) => t.services.users.removeById(x.id, tx))
    const response = await setup({ setupToken: token, username: 'root', password: 'correct horse battery' })
    expect(response.statusCode).toBe(403)
  })

  it('applies the password rules', async () => {
    const setupToken = await t.services.setupTokens.issue()
    const response = await setup({ setupToken, username: 'root', password: 'short' })
    expect(response.statusCode).toBe(400)
  })
})
