import fc from 'fast-check'
import type { InjectOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTokenSigner, generateSigningKey, KeyRing } from '@tokenauth/signer'
import { ErrorCode } from '@tokenauth/shared'
import { createTestApp, type TestApp } from '../test-support/test-app.js'
import { ENGINES } from '../test-support/test-engine.js'
import { collectRoutes, type CollectedRoute } from '../test-support/route-collector.js'
import { snapshotTables } from '../test-support/db-snapshot.js'
import { FUZZ_USER_COOKIE, FUZZ_USER_TOKEN, fuzzRequest, type HostileCredentials } from '../test-support/fuzz-requests.js'
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_TYPE } from '../auth/access-tokens.js'
import { SETUP_TOKEN_AUDIENCE } from '../auth/setup-tokens.js'
import { asOperator } from '../test-support/as-operator.js'

/**
 * Throws generated garbage at every route the app declares, and checks that it answers
 * each request with a 4xx in the one error shape (or a success), never a 5xx, and that
 * no real user's data changed. Reproduce a failure with the seed it prints:
 * `FUZZ_SEED=<seed> npx vitest run apps/api/src/http/route-fuzz.test.ts`; run longer with
 * `FUZZ_RUNS=20000`.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20260105)
const RUNS = Number(process.env.FUZZ_RUNS ?? 2000)
const ERROR_CODES = new Set<string>(ErrorCode.enum)
/** Not among the values the generator uses: the suite never knows a password. */
const PASSWORD = 'only the test setup knows this one'

// Once on each engine: PostgreSQL refuses some text SQLite keeps (a NUL), and errs differently.
describe.each(ENGINES)('on %s', (engine) => {
  let t: TestApp
  let routes: CollectedRoute[]
  let credentials: HostileCredentials
  let realUsers: string
  let before: Record<string, unknown[]>
  let aliceToken: string
  let fuzzUser: { token: string; cookie: string }

  const realRows = () =>
    snapshotTables(t.services.engine, ['users', 'notes', 'sessions'], {
      users: `id IN (${realUsers})`,
      notes: `owner_id IN (${realUsers})`,
      sessions: `user_id IN (${realUsers})`,
    })

  beforeAll(async () => {
    // Limits raised so that the garbage reaches the routes instead of a 429 (limits have their own tests).
    const built = await collectRoutes(() =>
      createTestApp(
      { RATE_LIMIT_MAX: '1000000000', LOGIN_FAILURES_PER_ACCOUNT: '1000000000', LOGIN_FAILURES_PER_IP: '1000000000', MAX_QUEUED_HASHES: '10000' },
      undefined,
      { engine },
    ),
    )
    t = built.result
    routes = built.routes.filter((route) => route.method !== 'HEAD')
    const alice = await t.addUser('alice', PASSWORD, ['admin'])
    const bob = await t.addUser('bob', PASSWORD)
    await t.addUser('mallory', PASSWORD)
    await t.addUser('ghost', PASSWORD)
    realUsers = [alice.id, bob.id].join(',')

    const aliceSession = await t.login('alice', PASSWORD)
    const bobSession = await t.login('bob', PASSWORD)
    aliceToken = aliceSession.token
    const noteOf = async (token: string, text: string) =>
      (await t.app.inject({ method: 'POST', url: '/api/notes', headers: { token }, payload: { text } })).json().id as number
    const notes = [await noteOf(aliceSession.token, 'alice’s note'), await noteOf(bobSession.token, 'bob’s note')]
    const ghost = await t.login('ghost', PASSWORD)
    await asOperator(t.services.engine, (tx) => t.services.users.removeById(ghost.user.id, tx))

    const handles = (await t.services.engine.db.selectFrom('sessions').select('handle').orderBy('handle').execute()).map((r) => r.handle)
    const aliceHandle = (await t.services.sessions.listByUser(alice.id))[0]?.handle ?? ''
    const now = t.clock()
    const realKeys = new KeyRing(t.keys)
    const signer = (keys: KeyRing, audience: string, nowMs = now) =>
      createTokenSigner({ keys, audience, type: ACCESS_TOKEN_TYPE, ttlSeconds: 900, now: () => nowMs })
    const claims = { sub: String(alice.id), sid: aliceHandle }
    const base64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
    const [, alicePayload] = aliceSession.token.split('.')

    credentials = {
      tokens: [
        // Another key under the server's own kid: the signature must fail.
        (await signer(new KeyRing([generateSigningKey(t.keys[0]?.kid ?? 'test-1')]), ACCESS_TOKEN_AUDIENCE).sign(claims)).token,
        (await signer(new KeyRing([generateSigningKey('unknown-kid')]), ACCESS_TOKEN_AUDIENCE).sign(claims)).token,
        (await signer(realKeys, SETUP_TOKEN_AUDIENCE).sign(claims)).token,
        (await signer(realKeys, ACCESS_TOKEN_AUDIENCE, now - 86_400_000).sign(claims)).token,
        await t.services.setupTokens.issue(),
        ghost.token,
        `${base64({ alg: 'none', typ: ACCESS_TOKEN_TYPE, kid: t.keys[0]?.kid })}.${alicePayload}.`,
        `${base64({ alg: 'HS512', typ: ACCESS_TOKEN_TYPE, kid: t.keys[0]?.kid })}.${alicePayload}.${'A'.repeat(86)}`,
        `${aliceSession.token.split('.')[0]}.${base64({ sub: String(alice.id), sid: aliceHandle, aud: ACCESS_TOKEN_AUDIENCE, exp: 9_999_999_999 })}.${aliceSession.token.split('.')[2]}`,
      ],
      cookies: [
        `${aliceSession.cookie.slice(0, -2)}xx`,
        aliceSession.cookie.slice(0, aliceSession.cookie.lastIndexOf('.')),
        `${aliceSession.cookie.slice(0, -2)}xx; tokenauth.sid=x`,
        'tokenauth.sid=',
        `tokenauth.sid=s%3A${aliceHandle}.forged`,
      ],
      fuzzUserToken: '',
      knownIds: [...notes.map(String), String(alice.id), String(bob.id), ...handles, 'theme'],
    }
    fuzzUser = await t.login('mallory', PASSWORD)
    credentials = { ...credentials, fuzzUserToken: fuzzUser.token }
    before = await realRows()
  }, 60_000)
  afterAll(async () => t.close())

  /** Signs the suite's own user in again if a generated request ended its session. */
  async function keepFuzzUserSignedIn(): Promise<void> {
    const me = await t.app.inject({ url: '/api/me', headers: { token: fuzzUser.token } })
    if (me.statusCode !== 200) fuzzUser = await t.login('mallory', PASSWORD)
  }

  /** The request with the suite user's current token and cookie in place of their markers. */
  function withFuzzUser(inject: InjectOptions): InjectOptions {
    const headers = Object.fromEntries(
      Object.entries(inject.headers ?? {}).map(([name, value]) => [
        name,
        String(value).replaceAll(FUZZ_USER_TOKEN, fuzzUser.token).replaceAll(FUZZ_USER_COOKIE, fuzzUser.cookie),
      ]),
    )
    return { ...inject, headers }
  }

  describe(`every route under generated bad input (FUZZ_SEED=${SEED}, FUZZ_RUNS=${RUNS})`, () => {
    it('covers every route the app declares, the newest included', () => {
      const declared = new Set(routes.map((r) => `${r.method} ${r.url}`))
      for (const route of ['POST /api/auth/login', 'POST /api/auth/refresh', 'POST /api/setup', 'DELETE /api/notes/:id', 'GET /api/me']) {
        expect(declared).toContain(route)
      }
      expect(routes.length).toBeGreaterThan(20)
    })

    it('answers everything with a success or a 4xx in the error shape, never a 5xx', async () => {
      await fc.assert(
        fc.asyncProperty(fuzzRequest(routes, credentials), async ({ inject }) => {
          await keepFuzzUserSignedIn()
          const response = await t.app.inject(withFuzzUser(inject))
          expect(response.statusCode).toBeLessThan(500)
          if (response.statusCode >= 400 && inject.method !== 'HEAD') {
            expect(response.headers['content-type']).toMatch(/^application\/json/)
            const body = response.json() as { error?: { code?: unknown; message?: unknown } }
            expect(Object.keys(body)).toEqual(['error'])
            expect(Object.keys(body.error ?? {}).sort()).toEqual(['code', 'message'])
            expect(ERROR_CODES.has(String(body.error?.code))).toBe(true)
            expect(typeof body.error?.message === 'string' && body.error.message.length > 0).toBe(true)
          }
        }),
        { seed: SEED, numRuns: RUNS, ...(process.env.FUZZ_PATH ? { path: process.env.FUZZ_PATH } : {}) },
      )
    }, Math.max(60_000, RUNS * 100))

    // Counterexamples the property found once, kept so they are checked on every run.
    it.each([
      ['GET', '/api/cookies/__proto__'],
      ['GET', '/api/cookies/constructor'],
      ['GET', '/api/session/items/__proto__'],
      ['DELETE', '/api/session/items/__proto__'],
    ])('regression: %s %s answers 4xx, not 500', async (method, url) => {
      await keepFuzzUserSignedIn()
      const response = await t.app.inject({ method: method as 'GET' | 'DELETE', url, headers: { token: fuzzUser.token } })
      expect(response.statusCode).toBeLessThan(500)
    })

    it('still answers /api/health, changed no real user’s data, and real users still sign in', async () => {
      expect((await t.app.inject({ url: '/api/health' })).statusCode).toBe(200)
      expect(await realRows()).toEqual(before)
      expect((await t.app.inject({ url: '/api/me', headers: { token: aliceToken } })).statusCode).toBe(200)
      await t.login('alice', PASSWORD)
      await t.login('bob', PASSWORD)
    })
  })
})
