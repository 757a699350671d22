import { afterEach, describe, expect, it } from 'vitest'
import { ENGINES } from '../test-support/test-engine.js'
import { ALICE_PASSWORD, countRows, createTestApp, type LoginResult, type TestApp } from '../test-support/test-app.js'

let t: TestApp | undefined
afterEach(async () => {
  await t?.close()
  t = undefined
})

/** Far past both caps (the review's 277 in 10 s, scaled to the small caps below). */
const SIGN_INS = 40

describe.each(ENGINES)('one account signing in again and again (%s)', (engine) => {
  it('holds at most MAX_SESSIONS_PER_USER live sessions, the oldest ended first, each end audited within the per-account cap', async () => {
    const app = (t = await createTestApp({ RATE_LIMIT_MAX: '100000', MAX_SESSIONS_PER_USER: '5', AUDIT_PER_ACCOUNT_PER_MINUTE: '10' }, undefined, { engine }))
    const { maxSessionsPerUser, auditPerAccountPerMinute } = app.services.config
    expect([maxSessionsPerUser, auditPerAccountPerMinute]).toEqual([5, 10])
    const { id } = await app.addUser('alice', ALICE_PASSWORD)
    const signIns: LoginResult[] = []
    for (let i = 0; i < SIGN_INS; i++) {
      app.clock.advance(1)
      signIns.push(await app.login('alice', ALICE_PASSWORD))
    }

    expect(await countRows(app.services, 'sessions')).toBe(maxSessionsPerUser)
    const live = new Set((await app.services.sessions.listByUser(id)).map((s) => s.handle))
    const me = (login: LoginResult) => app.app.inject({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${login.token}` } })
    // The newest are the ones kept; the first one's token no longer works.
    expect((await me(signIns[SIGN_INS - 1] as LoginResult)).statusCode).toBe(200)
    expect((await me(signIns[SIGN_INS - maxSessionsPerUser] as LoginResult)).statusCode).toBe(200)
    expect((await me(signIns[SIGN_INS - maxSessionsPerUser - 1] as LoginResult)).statusCode).toBe(401)
    expect((await me(signIns[0] as LoginResult)).statusCode).toBe(401)
    expect(live.size).toBe(maxSessionsPerUser)

    // Within one minute the account added no more than its cap to the audit log.
    const events = (await app.services.auditStore.page({ userId: id, limit: 1000 })).events
    expect(events.length).toBeLessThanOrEqual(auditPerAccountPerMinute)
    const ends = events.filter((e) => e.kind === 'session_ended')
    expect(ends.length).toBeGreaterThan(0)
    expect(ends.every((e) => e.detail?.reason === 'session_limit')).toBe(true)

    // A minute later the next sign-in and the end it causes are recorded again.
    app.clock.advance(60_000)
    await app.login('alice', ALICE_PASSWORD)
    const after = (await app.services.auditStore.page({ userId: id, limit: 1000 })).events
    expect(after.filter((e) => e.kind === 'session_ended').length).toBe(ends.length + 1)
    expect(after.filter((e) => e.kind === 'login_succeeded').length).toBe(events.filter((e) => e.kind === 'login_succeeded').length + 1)
    expect(await countRows(app.services, 'sessions')).toBe(maxSessionsPerUser)
  })
})
