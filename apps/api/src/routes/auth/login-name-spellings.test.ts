import { afterEach, describe, expect, it, vi } from 'vitest'
import { ENGINES } from '../../test-support/test-engine.js'
import { createTestApp, type TestApp } from '../../test-support/test-app.js'

let t: TestApp | undefined
afterEach(async () => {
  await t?.close()
  t = undefined
})

const PASSWORD = 'correct horse battery'
/** `emilia` with its i's as 'İ' (U+0130), which PostgreSQL's lower() folds to 'i', and in ASCII case variants. */
const DOTTED = ['emİlia', 'emilİa', 'emİlİa', 'EMİLİA', 'Emİlia']
const ASCII = ['emilia', 'EMILIA', 'Emilia', 'eMiLiA']

describe.each(ENGINES)('sign-in names outside the username rule (%s)', (engine) => {
  const login = (app: TestApp, username: string, password: string, ip: string) =>
    app.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, remoteAddress: ip })

  it("'İ' spellings never sign in and never get tries of their own against the account", async () => {
    const app = (t = await createTestApp({}, undefined, { engine }))
    await app.addUser('emilia', PASSWORD)
    const emiliaHash = (await app.services.users.findByUsername('emilia'))?.passwordHash
    const verify = vi.spyOn(app.services.passwords, 'verify')

    // A spelling outside the rule is refused like an unknown name: the same 401, a dummy hash checked.
    const refused = await login(app, 'emİlia', PASSWORD, '10.9.0.1')
    expect(refused.statusCode).toBe(401)
    expect(refused.json()).toEqual((await login(app, 'nobody', PASSWORD, '10.9.0.2')).json())
    expect(verify.mock.calls.at(-2)?.[0]).toBe(app.services.dummyPasswordHash)

    // A burst of 19 wrong passwords over every spelling, each from an address of its own.
    const spellings = [...DOTTED, ...ASCII]
    for (let i = 0; i < 19; i++) await login(app, spellings[i % spellings.length] ?? 'emilia', `wrong ${i}`, `10.9.1.${i}`)
    const checkedAgainstEmilia = verify.mock.calls.filter(([hash]) => hash === emiliaHash).length
    expect(checkedAgainstEmilia).toBeLessThanOrEqual(5)

    // Past the limit the right password is throttled in every ASCII spelling and refused in every other.
    for (const name of ASCII) expect((await login(app, name, PASSWORD, '10.9.2.1')).statusCode, name).toBe(429)
    for (const name of DOTTED) expect([401, 429], name).toContain((await login(app, name, PASSWORD, '10.9.2.2')).statusCode)
  })
})
