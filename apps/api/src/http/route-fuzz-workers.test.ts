import { request as httpRequest } from 'node:http'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import fc from 'fast-check'
import type { InjectOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTokenSigner, generateSigningKey, KeyRing } from '@tokenauth/signer'
import { ErrorCode } from '@tokenauth/shared'
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_TYPE } from '../auth/access-tokens.js'
import { hashPassword } from '../auth/passwords.js'
import { openSqlite } from '../store/engine.js'
import { UserStore } from '../store/user-store.js'
import { asOperator } from '../test-support/as-operator.js'
import { snapshotTables } from '../test-support/db-snapshot.js'
import { FUZZ_USER_COOKIE, FUZZ_USER_TOKEN, fuzzRequest, type HostileCredentials } from '../test-support/fuzz-requests.js'
import { collectRoutes, type CollectedRoute } from '../test-support/route-collector.js'
import { send, startServerProcess, type ServerProcess } from '../test-support/server-process.js'
import { createTestApp } from '../test-support/test-app.js'

/**
 * The route fuzz of `route-fuzz.test.ts` against a real `WORKERS=2` server on SQLite,
 * each request on a connection of its own so that both worker threads answer: no 5xx, the
 * one error shape, no real user's data changed. `FUZZ_SEED` and `FUZZ_WORKER_RUNS` as there.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261207)
const RUNS = Number(process.env.FUZZ_WORKER_RUNS ?? 1000)
const ERROR_CODES = new Set<string>(ErrorCode.enum)
const PASSWORD = 'only the worker fuzz setup knows this one'
const dataDir = mkdtempSync(path.join(tmpdir(), 'tokenauth-fuzz-workers-'))

let server: ServerProcess
let routes: CollectedRoute[]
let credentials: HostileCredentials
let mallory: { token: string; cookie: string }
let aliceToken: string
let realUsers: string
let before: Record<string, unknown[]>

async function signIn(username: string): Promise<{ token: string; cookie: string; id: number }> {
  const answer = await send(server.base, 'POST', '/api/auth/login', { body: { username, password: PASSWORD } })
  expect(answer.status).toBe(200)
  const setCookie = answer.headers['set-cookie']
  const cookie = (Array.isArray(setCookie) ? setCookie : [setCookie ?? ''])[0]?.split(';')[0] ?? ''
  const body = answer.body as { token: string; user: { id: number } }
  return { token: body.token, cookie, id: body.user.id }
}

/** Users and notes of the real users, read by a connection of the test's own (another process than the server's). */
async function realRows(): Promise<Record<string, unknown[]>> {
  const engine = openSqlite(dataDir)
  try {
    return await snapshotTables(engine, ['users', 'notes'], { users: `id IN (${realUsers})`, notes: `owner_id IN (${realUsers})` })
  } finally {
    await engine.close()
  }
}

/** A generated request over a socket of its own, as the fuzz built it for `inject`. */
function sendRaw(inject: InjectOptions): Promise<{ status: number; contentType: string; body: string }> {
  const payload = typeof inject.payload === 'string' ? inject.payload : undefined
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      `${server.base}${String(inject.url)}`,
      {
        method: inject.method ?? 'GET',
        agent: false,
        timeout: 20_000,
        headers: { ...(inject.headers as Record<string, string>), ...(payload === undefined ? {} : { 'content-length': String(Buffer.byteLength(payload)) }) },
      },
      (response) => {
        let body = ''
        response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk))
        response.on('end', () => resolve({ status: response.statusCode ?? 0, contentType: String(response.headers['content-type'] ?? ''), body }))
      },
    )
    request.on('timeout', () => request.destroy(new Error(`${String(inject.method)} ${String(inject.url)}: no answer within 20 s`)))
    request.on('error', reject)
    request.end(payload)
  })
}

beforeAll(async () => {
  const built = await collectRoutes(() => createTestApp())
  routes = built.routes.filter((route) => route.method !== 'HEAD')
  await built.result.close()

  const seed = openSqlite(dataDir)
  const users = new UserStore(seed)
  const hash = await hashPassword(PASSWORD)
  for (const [username, roles] of [['alice', ['admin']], ['bob', []], ['mallory', []]] as const) {
    await asOperator(seed, (tx) => users.create({ username, passwordHash: hash, roles: [...roles], createdAt: Date.now() }, tx))
  }
  await seed.close()

  const keys = [generateSigningKey('fuzz-1')]
  server = await startServerProcess({
    DATA_DIR: dataDir,
    WORKERS: '2',
    TOKEN_KEYS: keys.map((key) => `${key.kid}:${Buffer.from(key.secret).toString('base64url')}`).join(','),
    RATE_LIMIT_MAX: '1000000000',
    LOGIN_FAILURES_PER_ACCOUNT: '1000000000',
    LOGIN_FAILURES_PER_IP: '1000000000',
    MAX_QUEUED_HASHES: '10000',
  })
  const alice = await signIn('alice')
  const bob = await signIn('bob')
  aliceToken = alice.token
  realUsers = [alice.id, bob.id].join(',')
  const noteOf = async (token: string, text: string) => ((await send(server.base, 'POST', '/api/notes', { token, body: { text } })).body as { id: number }).id
  const notes = [await noteOf(alice.token, 'alice’s note'), await noteOf(bob.token, 'bob’s note')]
  mallory = await signIn('mallory')
  const claims = { sub: String(alice.id), sid: 'not-a-session' }
  const signer = (ring: KeyRing) => createTokenSigner({ keys: ring, audience: ACCESS_TOKEN_AUDIENCE, type: ACCESS_TOKEN_TYPE, ttlSeconds: 900 })
  credentials = {
    tokens: [
      (await signer(new KeyRing([generateSigningKey('fuzz-1')])).sign(claims)).token,
      (await signer(new KeyRing([generateSigningKey('unknown-kid')])).sign(claims)).token,
      (await signer(new KeyRing(keys)).sign(claims)).token,
    ],
    cookies: [`${alice.cookie.slice(0, -2)}xx`, 'tokenauth.sid=', 'tokenauth.sid=s%3Ax.forged'],
    fuzzUserToken: mallory.token,
    knownIds: [...notes.map(String), String(alice.id), String(bob.id), 'theme'],
  }
  before = await realRows()
}, 120_000)

afterAll(async () => {
  await server?.stop('SIGKILL')
  rmSync(dataDir, { recursive: true, force: true })
})

describe(`every route under generated bad input, on a WORKERS=2 server on SQLite (FUZZ_SEED=${SEED}, FUZZ_WORKER_RUNS=${RUNS})`, () => {
  it('answers everything with a success or a 4xx in the error shape, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fuzzRequest(routes, credentials), async ({ inject }) => {
        if ((await send(server.base, 'GET', '/api/me', { token: mallory.token })).status !== 200) mallory = await signIn('mallory')
        const headers = Object.fromEntries(
          Object.entries(inject.headers ?? {}).map(([name, value]) => [name, String(value).replaceAll(FUZZ_USER_TOKEN, mallory.token).replaceAll(FUZZ_USER_COOKIE, mallory.cookie)]),
        )
        const answer = await sendRaw({ ...inject, headers })
        expect(answer.status).toBeLessThan(500)
        if (answer.status >= 400 && inject.method !== 'HEAD') {
          expect(answer.contentType).toMatch(/^application\/json/)
          const body = JSON.parse(answer.body) as { error?: { code?: unknown; message?: unknown } }
          expect(Object.keys(body)).toEqual(['error'])
          expect(ERROR_CODES.has(String(body.error?.code))).toBe(true)
          expect(typeof body.error?.message === 'string' && body.error.message.length > 0).toBe(true)
        }
      }),
      { seed: SEED, numRuns: RUNS },
    )
  }, 240_000)

  it('still answers /api/health, changed no real user’s data, and alice’s token still works', async () => {
    expect((await send(server.base, 'GET', '/api/health')).status).toBe(200)
    expect((await send(server.base, 'GET', '/api/me', { token: aliceToken })).status).toBe(200)
    expect(await realRows()).toEqual(before)
  })
})
