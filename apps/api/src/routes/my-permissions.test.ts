import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../test-support/test-app.js'

let t: TestApp
beforeEach(async () => {
  t = await createTestApp()
  await t.addUser('root', 'correct horse battery', ['admin'])
  await t.addUser('alice', 'alice password 1', ['editor'])
})
afterEach(async () => t.close())

const permissions = (token?: string) => t.app.inject({ url: '/api/me/permissions', headers: token ? { token } : {} })

describe('GET /api/me/permissions', () => {
  it('answers what the routes’ own rules let the person’s roles do', async () => {
    const root = await t.login('root', 'correct horse battery')
    expect((await permissions(root.token)).json()).toEqual({ permissions: ['audit.read', 'users.read', 'users.write'] })
    const alice = await t.login('alice', 'alice password 1')
    expect((await permissions(alice.token)).json()).toEqual({ permissions: [] })
  })

  it('needs a token', async () => {
    expect((await permissions()).statusCode).toBe(401)
  })
})
