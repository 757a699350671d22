import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import type { AuditPage, AuditReason, LoginResponse, SessionList, UserList } from '@tokenauth/shared'
import { ADMIN, signIn } from './support/app'
import type { RunningServer } from './support/server'
import { startAppWithAdmin, stopApp } from './support/suite'

const PASSWORD = 'a long and unusual passphrase'
const NEW_PASSWORD = 'another long unusual passphrase'
const SECOND_ADMIN = { username: 'second', password: PASSWORD }
const BOB = { username: 'bob', password: PASSWORD }
const WRONG = 'not the right password at all'
/** A legacy row keeps an older server's words as they were: the one reason shown in English. */
const LEGACY_TEXT = 'prose from an older server'

/**
 * Every audit reason, in Chinese: the ones a person can cause are caused through the API
 * (as the app would send them), the ones that need a clock or a race to happen (timeouts,
 * a cookie replayed after the grace window, a sign-in overtaken by a password change) and
 * the ones only a migration writes are stored into the server's database; then the audit
 * view in zh-CN must show no English word outside the names that are data.
 */
describe('the audit view in Chinese', () => {
  let server: RunningServer
  let browser: Browser

  beforeAll(async () => {
    ;({ server, browser } = await startAppWithAdmin({
      env: { LOGIN_FAILURES_PER_ACCOUNT: '1000', LOGIN_FAILURES_PER_IP: '1000', RATE_LIMIT_MAX: '100000' },
      users: [
        { ...SECOND_ADMIN, roles: ['admin'] },
        { ...BOB, roles: [] },
      ],
    }))
  })
  afterAll(() => stopApp({ server, browser }))

  async function api(method: string, path: string, options: { token?: string; body?: unknown } = {}): Promise<Response> {
    return fetch(`${server.baseURL}/api${path}`, {
      method,
      headers: { ...(options.token ? { token: options.token } : {}), ...(options.body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    })
  }
  async function expectStatus(response: Promise<Response>, status: number): Promise<Response> {
    const answered = await response
    if (answered.status !== status) throw new Error(`${answered.url} answered ${answered.status}, not ${status}: ${await answered.text()}`)
    return answered
  }
  async function login(user: { username: string; password: string }): Promise<LoginResponse> {
    return (await (await expectStatus(api('POST', '/auth/login', { body: user }), 200)).json()) as LoginResponse
  }
  async function sessionIdOf(token: string): Promise<string> {
    const { sessions } = (await (await expectStatus(api('GET', '/sessions', { token }), 200)).json()) as SessionList
    const current = sessions.find((session) => session.current)
    if (!current) throw new Error('no current session')
    return current.id
  }
  /** Stores a row as the server's audit store would (the reasons nobody can cause on cue). */
  function storeEvent(kind: string, reason: AuditReason, params?: unknown): void {
    const value = (text: string | null) => (text === null ? 'NULL' : `'${text.replaceAll("'", "''")}'`)
    const sql = `INSERT INTO audit_events (at, kind, user_id, username, reason, params) VALUES (${Date.now()}, ${value(kind)}, NULL, 'bob', ${value(reason)}, ${value(params === undefined ? null : JSON.stringify(params))});`
    execFileSync('sqlite3', ['-cmd', '.timeout 5000', join(server.dataDir, 'tokenauth.sqlite'), sql])
  }

  it('shows every reason in words from the zh-CN messages', async () => {
    const root = (await login(ADMIN)).token
    const idOf = async (username: string) => {
      const { users } = (await (await expectStatus(api('GET', '/users', { token: root }), 200)).json()) as UserList
      const user = users.find((u) => u.username === username)
      if (!user) throw new Error(`no user ${username}`)
      return user.id
    }

    // Sign-ins that fail: no such user, a wrong password.
    await expectStatus(api('POST', '/auth/login', { body: { username: 'ghost', password: WRONG } }), 401)
    await expectStatus(api('POST', '/auth/login', { body: { username: BOB.username, password: WRONG } }), 401)
    // Bob's own account: a wrong current password, a change that ends his other session,
    // one session ended from another, one ended from itself, then all the others.
    const bobFirst = await login(BOB)
    await login(BOB)
    await expectStatus(api('POST', '/me/password', { token: bobFirst.token, body: { currentPassword: WRONG, newPassword: NEW_PASSWORD } }), 403)
    await expectStatus(api('POST', '/me/password', { token: bobFirst.token, body: { currentPassword: BOB.password, newPassword: NEW_PASSWORD } }), 200)
    const bobAgain = { username: BOB.username, password: NEW_PASSWORD }
    const here = await login(bobAgain)
    const elsewhere = await login(bobAgain)
    await expectStatus(api('DELETE', `/sessions/${await sessionIdOf(elsewhere.token)}`, { token: here.token }), 204)
    await login(bobAgain)
    await expectStatus(api('DELETE', '/sessions', { token: here.token }), 200)
    await expectStatus(api('DELETE', `/sessions/${await sessionIdOf(here.token)}`, { token: here.token }), 204)

    // An admin's actions on bob: created (carol), roles changed, sessions ended, password
    // reset, disabled (then bob's sign-in is refused), enabled, deleted.
    await expectStatus(api('POST', '/users', { token: root, body: { username: 'carol', password: PASSWORD, roles: ['editor'] } }), 201)
    const bobId = await idOf(BOB.username)
    await expectStatus(api('PUT', `/users/${bobId}/roles`, { token: root, body: { roles: ['editor'] } }), 200)
    await login(bobAgain)
    await expectStatus(api('DELETE', `/users/${bobId}/sessions`, { token: root }), 200)
    await expectStatus(api('POST', `/users/${bobId}/password`, { token: root, body: { newPassword: PASSWORD } }), 200)
    await expectStatus(api('POST', `/users/${bobId}/disable`, { token: root }), 200)
    await expectStatus(api('POST', '/auth/login', { body: BOB }), 401)
    await expectStatus(api('POST', `/users/${bobId}/enable`, { token: root }), 204)
    const carolId = await idOf('carol')
    await expectStatus(api('DELETE', `/users/${carolId}`, { token: root }), 204)

    // A step-up with the password, and a wrong one.
    await expectStatus(api('POST', '/auth/step-up', { token: root, body: { password: WRONG } }), 403)
    await expectStatus(api('POST', '/auth/step-up', { token: root, body: { password: ADMIN.password } }), 200)

    // Recorded by an older server, when admin actions asked for the admin's own password.
    for (const action of ['create_user', 'set_roles', 'delete_user', 'disable_user', 'enable_user', 'end_sessions', 'reset_password']) {
      storeEvent('login_failed', 'wrong_admin_password', { action })
    }
    storeEvent('session_ended', 'idle_timeout')
    storeEvent('session_ended', 'absolute_timeout')
    storeEvent('session_ended', 'user_disabled')
    storeEvent('session_ended', 'no_session')
    storeEvent('login_failed', 'credentials_changed')
    storeEvent('renewal_replayed', 'retired_cookie_replayed')
    storeEvent('token_renewed', 'grace_cookie_resent')
    storeEvent('session_ended', 'legacy', { text: LEGACY_TEXT })
    storeEvent('session_ended', 'session_limit')
    // Second factors are enrolled through the API only, so far: their events are stored.
    storeEvent('login_succeeded', 'with_totp')
    storeEvent('login_succeeded', 'with_recovery_code')
    storeEvent('recovery_code_used', 'recovery_codes_left', { count: 9 })
    storeEvent('second_factor_failed', 'wrong_totp')
    storeEvent('second_factor_failed', 'wrong_recovery_code')
    storeEvent('second_factor_failed', 'wrong_password_on_disable')
    storeEvent('second_factor_failed', 'wrong_totp_on_disable')
    storeEvent('login_throttled', 'throttled', { retryAfterSeconds: 4 })
    storeEvent('step_up_failed', 'password_not_enough')
    storeEvent('second_factors_reset', 'second_factors_reset_by_admin', { actor: ADMIN.username })

    // The server kept a code for each: every reason in the closed list is there.
    const { events, nextBefore } = (await (await expectStatus(api('GET', '/audit?limit=100', { token: root }), 200)).json()) as AuditPage
    expect(nextBefore).toBeNull()
    const seen = new Set(events.flatMap((event) => (event.detail ? [event.detail.reason] : [])))
    const everyReason: readonly AuditReason[] = [
      'unknown_user', 'wrong_password', 'user_disabled', 'credentials_changed', 'wrong_current_password', 'wrong_admin_password',
      'idle_timeout', 'absolute_timeout', 'no_session', 'ended_by_user', 'others_ended_by_user', 'others_ended', 'all_ended_by_admin',
      'by_admin', 'by_admin_sessions_ended', 'created_by_admin', 'roles_changed_by_admin', 'retired_cookie_replayed', 'grace_cookie_resent', 'legacy',
      'session_limit', 'with_totp', 'with_recovery_code', 'recovery_codes_left', 'wrong_totp', 'wrong_recovery_code', 'wrong_password_on_disable', 'wrong_totp_on_disable',
      'throttled',
      'with_password', 'password_not_enough', 'second_factors_reset_by_admin',
    ]
    expect([...seen].sort()).toEqual([...everyReason].sort())
    const actions = new Set(events.flatMap((event) => (event.detail?.reason === 'wrong_admin_password' ? [event.detail.params.action] : [])))
    expect(actions.size).toBe(7)
    const endedHere = new Set(events.flatMap((event) => (event.detail?.reason === 'ended_by_user' ? [event.detail.params.here] : [])))
    expect(endedHere).toEqual(new Set([true, false]))

    // The audit view in Chinese, every page of it.
    const context = await browser.newContext({ locale: 'zh-CN' })
    const page = await context.newPage()
    await page.goto(`${server.baseURL}/login`)
    await signIn(page, ADMIN, 'zh-CN')
    await page.waitForURL((url) => url.pathname === '/')
    await page.goto(`${server.baseURL}/audit`)
    const rows = page.locator('tbody tr')
    await rows.first().waitFor()
    const older = page.getByRole('button', { name: '更早' })
    while ((await rows.count()) < events.length) {
      await older.click()
      await page.waitForFunction((n) => document.querySelectorAll('tbody tr').length > n, await rows.count() - 1)
    }
    // The admin's own sign-in here adds events on top of those read above.
    expect(await rows.count()).toBeGreaterThanOrEqual(events.length)

    // Names that are data: usernames, role names. "Cookie" is how Chinese UIs write it.
    const data = /\b(root|second|bob|carol|dana|ghost|editor|Cookie)\b/g
    const shown = await rows.evaluateAll((trs) => trs.map((tr) => ({ kind: tr.children[1]?.textContent ?? '', detail: tr.children[3]?.textContent ?? '' })))
    const english = shown
      .filter((row) => row.detail !== LEGACY_TEXT)
      .flatMap((row) => [row.kind, row.detail])
      .filter((text) => /[A-Za-z]{2,}/.test(text.replace(data, '')))
    expect(english).toEqual([])
    expect(shown.filter((row) => row.detail === LEGACY_TEXT)).toHaveLength(1)
    expect(shown.some((row) => row.detail.includes('修改角色时本人密码错误'))).toBe(true)
    await context.close()
  })
})
