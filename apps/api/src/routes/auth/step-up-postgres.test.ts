import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type LoginResult, type TestApp } from '../../test-support/test-app.js'
import { totpCode } from '../../second-factor/totp.js'

/** Step-up on PostgreSQL: the proof is recorded in the shared database, and a code proves once across requests. */
const PASSWORD = 'correct horse battery'
let t: TestApp
let root: LoginResult
let secret = ''

const stepUp = (payload: Record<string, string>) => t.app.inject({ method: 'POST', url: '/api/auth/step-up', headers: { token: root.token }, payload })

beforeAll(async () => {
  t = await createTestApp({}, undefined, { engine: 'postgres' })
  await t.addUser('root', PASSWORD, ['admin'])
  await t.addUser('alice', PASSWORD)
  root = await t.login('root', PASSWORD)
  const headers = { token: root.token }
  secret = (await t.app.inject({ method: 'POST', url: '/api/me/second-factors/totp', headers })).json().secret as string
  await t.app.inject({ method: 'POST', url: '/api/me/second-factors/totp/confirm', headers, payload: { code: totpCode(secret, t.clock()) } })
}, 60_000)
afterAll(async () => t.close())

describe('step-up on PostgreSQL', () => {
  it('an admin write after the window is refused, then done after a step-up with a code; renewals keep the proof', async () => {
    t.clock.advance(6 * 60_000)
    const disable = (token: string) => t.app.inject({ method: 'POST', url: '/api/users/2/disable', headers: { token } })
    expect((await disable(root.token)).statusCode).toBe(401)
    const stepped = await stepUp({ totp: totpCode(secret, t.clock()) })
    expect(stepped.statusCode).toBe(200)
    expect((await disable((stepped.json() as { token: string }).token)).statusCode).toBe(200)
    const session = await t.services.sessions.findByHandle(JSON.parse(Buffer.from(root.token.split('.')[1] ?? '', 'base64url').toString()).sid as string)
    expect(session).toMatchObject({ authTime: t.clock(), amr: ['otp'] })
  })

  it('of concurrent step-ups with the same code, exactly one gets through', async () => {
    t.clock.advance(30_000)
    const code = totpCode(secret, t.clock())
    const answers = await Promise.all([stepUp({ totp: code }), stepUp({ totp: code }), stepUp({ totp: code })])
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 403, 403])
  })
})
