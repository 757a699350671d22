import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type LoginResult, type TestApp } from '../test-support/test-app.js'
import { collectRoutes, type CollectedRoute } from '../test-support/route-collector.js'
import { snapshotTables, tableNames } from '../test-support/db-snapshot.js'
import { HOLD_HEADER, withHandlerHolds, type HandlerHolds } from '../test-support/handler-holds.js'

/**
 * The last gap of review item 1, for every state-changing route with a rule: the plugin
 * checked the token when the headers came and again after the body; then the handler
 * runs, and may wait (a password hash, a lock) before it writes. Each route's request is
 * held inside its handler, the acting admin is disabled (or demoted) by another admin,
 * then the request goes on: it must answer 401 `revoked_token` (403 `insufficient_role`)
 * and write nothing. The routes come from the app itself, so a new one is covered too.
 */
const PASSWORD = 'correct horse battery'

/** A registration response of the right shape (it verifies against nothing: the session check comes first). */
const PASSKEY_RESPONSE = { id: 'AAAA', rawId: 'AAAA', type: 'public-key', response: { clientDataJSON: 'e30', attestationObject: 'oA' }, clientExtensionResults: {} }

const VALID_BODIES: Readonly<Record<string, unknown>> = {
  'POST /api/notes': { text: 'written after the author was disabled' },
  'DELETE /api/notes/:id': {},
  'POST /api/users': { username: 'newcomer', password: 'a brand new passphrase', roles: ['admin'] },
  'PUT /api/users/:id/roles': { roles: ['admin', 'editor'] },
  'DELETE /api/users/:id': {},
  'POST /api/users/:id/disable': {},
  'POST /api/users/:id/enable': {},
  'DELETE /api/users/:id/sessions': {},
  'POST /api/users/:id/password': { newPassword: 'a brand new passphrase' },
  'PUT /api/session/items/:key': { value: 'dark' },
  'DELETE /api/session/items/:key': {},
  'DELETE /api/session/items': {},
  'PUT /api/cookies/:name': { value: 'set after the disable', signed: true },
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
let holds: HandlerHolds
let checked: CollectedRoute[]
let tables: string[]
let rootId: number
/** The other admin, who revokes root while root's request is inside its handler. */
let keeper: LoginResult

beforeAll(async () => {
  const built = await withHandlerHolds(() => collectRoutes(() => createTestApp({ RATE_LIMIT_MAX: '1000000' })))
  t = built.result.result
  holds = built.holds
  checked = built.result.routes.filter((route) => route.auth !== 'public' && !SAFE.has(route.method))
  rootId = (await t.addUser('root', PASSWORD, ['admin'])).id
  await t.addUser('keeper', PASSWORD, ['admin'])
  keeper = await t.login('keeper', PASSWORD)
  tables = await tableNames(t.services.engine)
}, 60_000)
afterAll(async () => t.close())

const asKeeper = (method: 'POST' | 'PUT', url: string, payload: object) =>
  t.app.inject({ method, url, headers: { token: keeper.token }, payload: payload })

/** Root signed in on two devices, with a note, a target user and a cookie for the route to act on; its request held inside the handler. */
async function holdRootInside(route: CollectedRoute) {
  const name = `${route.method} ${route.url}`
  const root = await t.login('root', PASSWORD)
  const target = await t.addUser(`target-${checked.indexOf(route)}-${Math.random().toString(36).slice(2, 8)}`, PASSWORD, ['admin'])
  if (route.url.endsWith('/enable')) await asKeeper('POST', `/api/users/${target.id}/disable`, {})
  const note = (await t.app.inject({ method: 'POST', url: '/api/notes', headers: { token: root.token }, payload: { text: 'n' } })).json().id as number
  await t.app.inject({ method: 'PUT', url: '/api/session/items/theme', headers: { token: root.token }, payload: { value: 'light' } })
  await t.login('root', PASSWORD)
  const sessions = (await t.app.inject({ url: '/api/sessions', headers: { token: root.token } })).json().sessions as { id: string; current: boolean }[]
  const otherDevice = sessions.find((session) => !session.current)?.id ?? ''
  const params: Record<string, string> = {
    id: route.url.startsWith('/api/notes') ? String(note) : route.url.startsWith('/api/sessions') ? otherDevice : String(target.id),
    key: 'theme',
    name: 'pref',
  }
  const url = route.url.replace(/:([A-Za-z]+)/g, (_m, param: string) => params[param] ?? '1')
  const hold = holds.hold(name)
  const response = t.app.inject({
    method: route.method as 'POST',
    url,
    headers: { token: root.token, cookie: `${root.cookie}; pref=1`, 'content-type': 'application/json', [HOLD_HEADER]: name },
    payload: VALID_BODIES[name] ?? {},
  })
  response.catch(() => {})
  await hold.reached
  return { name, response, release: hold.release }
}

describe('every state-changing route with a rule checks its actor inside its write', () => {
  it('has a body for each of them', () => {
    const names = checked.map((route) => `${route.method} ${route.url}`)
    expect(names.filter((name) => VALID_BODIES[name] === undefined), 'routes without a body in VALID_BODIES').toEqual([])
    expect(names.length).toBe(Object.keys(VALID_BODIES).length)
  })

  it('answers 401 revoked_token and writes nothing when the actor was disabled while the handler was inside', async () => {
    const acted: string[] = []
    for (const route of checked) {
      const { name, response, release } = await holdRootInside(route)
      const disable = await asKeeper('POST', `/api/users/${rootId}/disable`, {})
      expect(disable.statusCode, name).toBe(200)
      const before = await snapshotTables(t.services.engine, tables)
      release()
      const answer = await response
      if (answer.statusCode !== 401 || answer.json().error.code !== 'revoked_token') acted.push(`${name} → ${answer.statusCode} ${answer.body.slice(0, 80)}`)
      else {
        expect(await snapshotTables(t.services.engine, tables), name).toEqual(before)
        expect(answer.headers['set-cookie'], name).toBeUndefined()
        // The plugin's own refusal, challenge included.
        expect(answer.headers['www-authenticate'], name).toContain('error="invalid_token"')
      }
      expect((await asKeeper('POST', `/api/users/${rootId}/enable`, {})).statusCode, name).toBe(204)
    }
    expect(acted, 'routes that acted for a disabled admin').toEqual([])
  }, 180_000)

  it('answers 403 insufficient_role and writes nothing on an admin route when the actor lost the admin role meanwhile', async () => {
    const acted: string[] = []
    for (const route of checked.filter((candidate) => candidate.url.startsWith('/api/users'))) {
      const { name, response, release } = await holdRootInside(route)
      const demote = await asKeeper('PUT', `/api/users/${rootId}/roles`, { roles: [] })
      expect(demote.statusCode, name).toBe(200)
      const before = await snapshotTables(t.services.engine, tables)
      release()
      const answer = await response
      if (answer.statusCode !== 403 || answer.json().error.code !== 'insufficient_role') acted.push(`${name} → ${answer.statusCode} ${answer.body.slice(0, 80)}`)
      else expect(await snapshotTables(t.services.engine, tables), name).toEqual(before)
      expect((await asKeeper('PUT', `/api/users/${rootId}/roles`, { roles: ['admin'] })).statusCode, name).toBe(200)
    }
    expect(acted, 'admin routes that acted for a demoted admin').toEqual([])
  }, 180_000)
})
