import { DEFAULT_MESSAGES } from '@tokenauth/fastify-token-auth'
import { REFRESH_HEADER } from '@tokenauth/shared'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../test-support/test-app.js'

let t: TestApp
beforeEach(async () => {
  t = await createTestApp()
})
afterEach(async () => t.close())

it('one English text per code: the plugin refusing and a route refusing say the same', async () => {
  const byPlugin = await t.app.inject({ method: 'GET', url: '/api/me' })
  const byRoute = await t.app.inject({ method: 'POST', url: '/api/auth/refresh', headers: { [REFRESH_HEADER]: '1' } })
  expect(byPlugin.json()).toEqual({ error: { code: 'missing_token', message: DEFAULT_MESSAGES.missing_token } })
  expect(byRoute.json()).toEqual(byPlugin.json())
})
