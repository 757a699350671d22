import type { AdminActionName } from '@tokenauth/shared'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../test-support/test-app.js'
import { snapshotTables, tableNames } from '../test-support/db-snapshot.js'
import { asOperator } from '../test-support/as-operator.js'

/**
 * A stolen admin token alone must not make a backdoor admin or shut the real admins out:
 * every request that grants admin or acts on another admin needs the acting admin's own
 * password (`adminPassword`), under the sign-in throttle.
 */
const PASSWORD = 'correct horse battery'
const NEW_PASSWORD = 'a brand new passphrase'
let t: TestApp
let token: string
let rootId: number
let otherAdminId: number
let aliceId: number
let tables: string[]
beforeEach(async () => {
  t = await createTestApp()
  rootId = (await t.addUser('root', PASSWORD, ['admin'])).id
  otherAdminId = (await t.addUser('second-admin', PASSWORD, ['admin'])).id
  aliceId = (await t.addUser('alice', PASSWORD)).id
  await t.login('second-admin', PASSWORD)
  await t.login('alice', PASSWORD)
  token = (await t.login('root', PASSWORD)).token
  // What the actions change; the audit log is looked at on its own.
  tables = (await tableNames(t.services.engine)).filter((name) => name !== 'audit_events')
})
afterEach(async () => t.close())

type Method = 'POST' | 'PUT' | 'DELETE'
interface AdminRequest {
  readonly name: string
  readonly method: Method
  readonly url: () => string
  readonly body?: Readonly<Record<string, unknown>>
  readonly before?: () => Promise<unknown>
}

const send = (request: AdminRequest, adminPassword?: string) =>
  t.app.inject({
    method: request.method,
    url: request.url(),
    headers: { token },
    ...(request.body !== undefined || adminPassword !== undefined ? { payload: { ...request.body, ...(adminPassword === undefined ? {} : { adminPassword }) } } : {}),
  })

const NEEDS_IT: readonly (AdminRequest & { readonly action: AdminActionName })[] = [
  { name: 'create an admin', action: 'create_user', method: 'POST', url: () => '/api/users', body: { username: 'backdoor', password: NEW_PASSWORD, roles: ['admin'] } },
  { name: 'give a user the admin role', action: 'set_roles', method: 'PUT', url: () => `/api/users/${aliceId}/roles`, body: { roles: ['admin'] } },
  { name: "change another admin's roles", action: 'set_roles', method: 'PUT', url: () => `/api/users/${otherAdminId}/roles`, body: { roles: ['admin', 'editor'] } },
  { name: 'demote another admin', action: 'set_roles', method: 'PUT', url: () => `/api/users/${otherAdminId}/roles`, body: { roles: [] } },
  { name: 'disable another admin', action: 'disable_user', method: 'POST', url: () => `/api/users/${otherAdminId}/disable` },
  {
    name: 'enable another admin', action: 'enable_user',
    method: 'POST',
    url: () => `/api/users/${otherAdminId}/enable`,
    before: () => asOperator(t.services.engine, (tx) => t.services.users.setDisabled(otherAdminId, true, tx)),
  },
  { name: 'delete another admin', action: 'delete_user', method: 'DELETE', url: () => `/api/users/${otherAdminId}` },
  { name: "end another admin's sessions", action: 'end_sessions', method: 'DELETE', url: () => `/api/users/${otherAdminId}/sessions` },
  { name: "reset another admin's password", action: 'reset_password', method: 'POST', url: () => `/api/users/${otherAdminId}/password`, body: { newPassword: NEW_PASSWORD } },
]

const NEEDS_NONE: readonly AdminRequest[] = [
  { name: 'create a plain user', method: 'POST', url: () => '/api/users', body: { username: 'plain', password: NEW_PASSWORD, roles: ['editor'] } },
  { name: "change a plain user's roles", method: 'PUT', url: () => `/api/users/${aliceId}/roles`, body: { roles: ['editor'] } },
  { name: 'disable a plain user', method: 'POST', url: () => `/api/users/${aliceId}/disable` },
  { name: "end a plain user's sessions", method: 'DELETE', url: () => `/api/users/${aliceId}/sessions` },
  { name: "reset a plain user's password", method: 'POST', url: () => `/api/users/${aliceId}/password`, body: { newPassword: NEW_PASSWORD } },
  { name: 'delete a plain user', method: 'DELETE', url: () => `/api/users/${aliceId}` },
  { name: 'change my own roles, keeping admin', method: 'PUT', url: () => `/api/users/${rootId}/roles`, body: { roles: ['admin', 'editor'] } },
  { name: 'end my own sessions', method: 'DELETE', url: () => `/api/users/${rootId}/sessions` },
]

describe.each(NEEDS_IT)("$name needs the acting admin's password", (request) => {
  it('without it: 403 invalid_credentials, nothing changed', async () => {
    await request.before?.()
    const before = await snapshotTables(t.services.engine, tables)
    const response = await send(request)
    expect(response.statusCode).toBe(403)
    expect(response.json().error).toEqual({ code: 'invalid_credentials', message: expect.stringContaining('adminPassword') })
    expect(await snapshotTables(t.services.engine, tables)).toEqual(before)
  })

  it('with a wrong one: 403 invalid_credentials, nothing changed, the failure recorded', async () => {
    await request.before?.()
    const before = await snapshotTables(t.services.engine, tables)
    const response = await send(request, 'not my password at all')
    expect(response.statusCode).toBe(403)
    expect(response.json().error.code).toBe('invalid_credentials')
    expect(await snapshotTables(t.services.engine, tables)).toEqual(before)
    const failed = (await t.services.auditStore.page({ limit: 10, kind: 'login_failed' })).events[0]
    expect(failed).toMatchObject({ userId: rootId, username: 'root', detail: { reason: 'wrong_admin_password', params: { action: request.action } } })
  })

  it('with the right one: done', async () => {
    await request.before?.()
    const response = await send(request, PASSWORD)
    expect(response.statusCode, response.body).toBeLessThan(300)
  })
})

describe.each(NEEDS_NONE)('$name needs no password', (request) => {
  it('is done without one', async () => {
    const response = await send(request)
    expect(response.statusCode, response.body).toBeLessThan(300)
  })
})

describe("the acting admin's password is checked under the sign-in throttle", () => {
  it('after the free wrong tries: 429 with Retry-After, even for the right password, and nothing changed', async () => {
    const disable = NEEDS_IT.find((request) => request.name === 'disable another admin') as AdminRequest
    let response = await send(disable, 'wrong guess 0')
    for (let i = 1; response.statusCode === 403 && i < 50; i++) response = await send(disable, `wrong guess ${i}`)
    expect(response.statusCode).toBe(429)
    expect(response.json().error.code).toBe('rate_limited')
    expect(Number(response.headers['retry-after'])).toBeGreaterThan(0)
    const right = await send(disable, PASSWORD)
    expect(right.statusCode).toBe(429)
    expect((await t.services.users.findById(otherAdminId))?.disabled).toBe(false)
  })
})
