import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../test-support/test-app.js'
import { totpCode } from '../second-factor/totp.js'

const PASSWORD = 'correct horse battery'
let t: TestApp
let secret = ''
let recoveryCodes: string[] = []

const passwordStep = async (): Promise<string> =>
  (await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'alice', password: PASSWORD } })).json().challenge as string
const secondStep = (payload: Record<string, string>) => t.app.inject({ method: 'POST', url: '/api/auth/login/second-factor', payload })

beforeAll(async () => {
  t = await createTestApp({}, undefined, { engine: 'postgres' })
  await t.addUser('alice', PASSWORD)
  const alice = await t.login('alice', PASSWORD)
  const headers = { authorization: `Bearer ${alice.token}` }
  secret = (await t.app.inject({ method: 'POST', url: '/api/me/second-factors/totp', headers })).json().secret as string
  const confirm = await t.app.inject({ method: 'POST', url: '/api/me/second-factors/totp/confirm', headers, payload: { code: totpCode(secret, t.clock()) } })
  recoveryCodes = confirm.json().recoveryCodes as string[]
}, 60_000)
afterAll(async () => t.close())

describe('second factors on PostgreSQL', () => {
  it('of concurrent sign-ins with the same authenticator code, exactly one gets through', async () => {
    t.clock.advance(30_000)
    const code = totpCode(secret, t.clock())
    const challenges = await Promise.all([passwordStep(), passwordStep(), passwordStep()])
    const answers = await Promise.all(challenges.map((challenge) => secondStep({ challenge, totp: code })))
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 401, 401])
  })

  it('of concurrent sign-ins with the same recovery code, exactly one gets through, and the code is gone', async () => {
    const [code = ''] = recoveryCodes
    const challenges = await Promise.all([passwordStep(), passwordStep(), passwordStep()])
    const answers = await Promise.all(challenges.map((challenge) => secondStep({ challenge, recoveryCode: code })))
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 401, 401])
    expect((await secondStep({ challenge: await passwordStep(), recoveryCode: code })).statusCode).toBe(401)
  })

  it('of concurrent uses of one challenge, exactly one signs in', async () => {
    const challenge = await passwordStep()
    const [a = '', b = ''] = recoveryCodes.slice(1)
    const answers = await Promise.all([secondStep({ challenge, recoveryCode: a }), secondStep({ challenge, recoveryCode: b })])
    expect(answers.map((r) => r.statusCode).sort()).toEqual([200, 401])
    // The loser's code was not used up with the challenge it lost.
    const left = (await t.services.secondFactors.recoveryCodes.unused(1)).length
    expect(left).toBe(recoveryCodes.length - 2)
  })
})
