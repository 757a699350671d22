import diagnostics from 'node:diagnostics_channel'
import { PassThrough } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../test-support/test-app.js'
import { collectRoutes, type CollectedRoute } from '../test-support/route-collector.js'
import { snapshotTables, tableNames } from '../test-support/db-snapshot.js'

/**
 * Review item 1 for every route, the ones added later included: each state-changing
 * route with a rule other than `public` gets its headers accepted, the session is
 * revoked, then the body arrives — and the route must not act. The routes come from the
 * app itself, so a new one fails here until it has a body below (and then is checked).
 */
const PASSWORD = 'correct horse battery'

/** A body each route's schema accepts, so that the request gets past validation to the check after it. */
/** A registration response of the right shape (it verifies against nothing: the session check comes first). */
const PASSKEY_RESPONSE = { id: 'AAAA', rawId: 'AAAA', type: 'public-key', response: { clientDataJSON: 'e30', attestationObject: 'oA' }, clientExtensionResults: {} }

const VALID_BODIES: Readonly<Record<string, unknown>> = {
  'POST /api/notes': { text: 'sent before the revocation, finished after' },
  'DELETE /api/notes/:id': {},
  'POST /api/users': { username: 'newcomer', password: 'a brand new passphrase', roles: ['admin'] },
  'PUT /api/users/:id/roles': { roles: [] },
  'DELETE /api/users/:id': {},
  'POST /api/users/:id/disable': {},
  'POST /api/users/:id/enable': {},
  'DELETE /api/users/:id/sessions': {},
  'POST /api/users/:id/password': { newPassword: 'a brand new passphrase' },
  'PUT /api/session/items/:key': { value: 'dark' },
  'DELETE /api/session/items/:key': {},
  'DELETE /api/session/items': {},
  'PUT /api/cookies/:name': { value: 'set after sign-out', signed: true },
  'DELETE /api/cookies/:name': {},
  'DELETE /api/sessions/:id': {},
  'DELETE /api/sessions': {},
  'POST /api/me/password': { currentPassword: PASSWORD, newPassword: 'a brand new passphrase' },
  'POST /api/me/second-factors/totp': {},
  'POST /api/me/second-factors/totp/confirm': { code: '123456' },
  'DELETE /api/me/second-factors/totp': {},
  'DELETE /api/users/:id/second-factors': {},
  'POST /api/me/second-factors/recovery-codes': {},
  'POST /api/me/passkeys/options': {},
  'POST /api/me/passkeys': { name: 'Laptop', response: PASSKEY_RESPONSE },
  'PATCH /api/me/passkeys/:id': { name: 'Laptop' },
  'DELETE /api/me/passkeys/:id': {},
  'POST /api/auth/step-up': { password: PASSWORD },
  'POST /api/auth/step-up/options': {},
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS'])

let t: TestApp
let checked: CollectedRoute[]
let tables: string[]
/** Called when a request has passed every onRequest hook (the first token check) and its body is about to be read. */
const bodyAwaited = new Map<string, () => void>()

beforeAll(async () => {
  // A preParsing hook runs after all onRequest hooks: the moment the headers were accepted.
  const onInit = (message: unknown) => {
    const { fastify } = message as { fastify: FastifyInstance }
    fastify.addHook('preParsing', (request, _reply, payload, done) => {
      const marker = request.headers['x-test-request']
      if (typeof marker === 'string') bodyAwaited.get(marker)?.()
      done(null, payload)
    })
  }
  diagnostics.subscribe('fastify.initialization', onInit)
  try {
    const built = await collectRoutes(() => createTestApp({ RATE_LIMIT_MAX: '1000000' }))
    t = built.result
    checked = built.routes.filter((route) => route.auth !== 'public' && !SAFE.has(route.method))
  } finally {
    diagnostics.unsubscribe('fastify.initialization', onInit)
  }
  await t.addUser('root', PASSWORD, ['admin'])
  tables = await tableNames(t.services.engine)
}, 60_000)
afterAll(async () => t.close())

describe('every state-changing route with a rule checks the session again after the body', () => {
  it('finds the routes added since the review too', () => {
    const names = checked.map((route) => `${route.method} ${route.url}`)
    for (const name of ['POST /api/users', 'PUT /api/users/:id/roles', 'DELETE /api/users/:id', 'DELETE /api/sessions/:id', 'PUT /api/cookies/:name', 'POST /api/me/password']) {
      expect(names).toContain(name)
    }
    expect(names.filter((name) => VALID_BODIES[name] === undefined), 'routes without a body in VALID_BODIES').toEqual([])
    expect(names.length).toBe(Object.keys(VALID_BODIES).length)
  })

  it('refuses each one with 401 revoked_token when the session ended between headers and body, and changes nothing', async () => {
    const acted: string[] = []
    for (const route of checked) {
      const name = `${route.method} ${route.url}`
      const root = await t.login('root', PASSWORD)
      // A user of its own for each route, so that no route finds its target removed by an earlier one.
      const target = await t.addUser(`target-${checked.indexOf(route)}`, PASSWORD, ['admin'])
      // Something for the routes that remove a thing to find.
      const note = (await t.app.inject({ method: 'POST', url: '/api/notes', headers: { token: root.token }, payload: { text: 'n' } })).json().id as number
      // And another device of root's for the routes that end sessions (its own ends with the logout below).
      await t.login('root', PASSWORD)
      const sessions = (await t.app.inject({ url: '/api/sessions', headers: { token: root.token } })).json().sessions as { id: string; current: boolean }[]
      const session = sessions.find((s) => !s.current)?.id ?? ''
      const params: Record<string, string> = { id: route.url.startsWith('/api/notes') ? String(note) : route.url.startsWith('/api/sessions') ? session : String(target.id), key: 'theme', name: 'pref' }
      const url = route.url.replace(/:([A-Za-z]+)/g, (_m, param: string) => params[param] ?? '1')

      const body = new PassThrough()
      const headersAccepted = new Promise<void>((resolve) => bodyAwaited.set(name, resolve))
      const response = t.app.inject({
        method: route.method as 'POST',
        url,
        headers: { token: root.token, cookie: `${root.cookie}; pref=1`, 'content-type': 'application/json', 'x-test-request': name },
        payload: body,
      })
      await headersAccepted
      const logout = await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { token: root.token } })
      expect(logout.statusCode, name).toBe(204)
      const before = await snapshotTables(t.services.engine, tables)
      body.end(JSON.stringify(VALID_BODIES[name] ?? {}))
      const answer = await response
      if (answer.statusCode !== 401 || answer.json().error.code !== 'revoked_token') acted.push(`${name} → ${answer.statusCode} ${answer.body.slice(0, 80)}`)
      else {
        expect(await snapshotTables(t.services.engine, tables), name).toEqual(before)
        expect(answer.headers['set-cookie'], name).toBeUndefined()
      }
    }
    expect(acted, 'routes that acted for a revoked session').toEqual([])
  }, 120_000)
})
