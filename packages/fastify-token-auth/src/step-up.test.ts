import Fastify, { type FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { tokenAuth, type TokenAuthOptions, type TokenAuthPrincipal, type VerifyTokenResult } from './index.js'

/** Step-up rules (RFC 9470): how recent and how strong the principal's last proof must be. */

interface Proved {
  readonly roles: readonly string[]
  readonly authTime?: number
  readonly amr: readonly string[]
}

const NOW_SECONDS = 1_800_000_000
let nowMs = NOW_SECONDS * 1000

const PRINCIPALS: Readonly<Record<string, Proved>> = {
  fresh: { roles: ['admin'], authTime: NOW_SECONDS - 10, amr: ['pwd'] },
  'fresh.mfa': { roles: ['admin'], authTime: NOW_SECONDS - 10, amr: ['pwd', 'otp', 'mfa'] },
  stale: { roles: ['admin'], authTime: NOW_SECONDS - 301, amr: ['pwd', 'otp', 'mfa'] },
  edge: { roles: ['admin'], authTime: NOW_SECONDS - 300, amr: ['pwd'] },
  unknown: { roles: ['admin'], amr: [] },
  'fresh.user': { roles: ['user'], authTime: NOW_SECONDS, amr: ['pwd'] },
}

const verifyToken = (token: string): VerifyTokenResult => {
  const found = PRINCIPALS[token]
  return found ? { ok: true, principal: found as unknown as TokenAuthPrincipal } : { ok: false, code: 'invalid_token' }
}

const stepUp: NonNullable<TokenAuthOptions['stepUp']> = {
  authentication: (principal) => {
    const { authTime, amr } = principal as unknown as Proved
    return authTime === undefined ? undefined : { time: authTime, methods: amr }
  },
  now: () => nowMs,
}

let app: FastifyInstance
const failures: string[] = []

async function build(options: Partial<TokenAuthOptions> = {}): Promise<FastifyInstance> {
  app = Fastify()
  await app.register(tokenAuth, {
    verifyToken,
    realm: 'acme',
    stepUp,
    onFailure: (_request, code, detail) => failures.push(`${code}: ${detail}`),
    ...options,
  })
  app.get('/recent', { config: { auth: { stepUp: { maxAge: 300 } } } }, async () => ({ ok: true }))
  app.post('/admin', { config: { auth: { roles: { anyOf: ['admin'] }, stepUp: { maxAge: 300 } } } }, async () => ({ ok: true }))
  app.post('/admin/mfa', { config: { auth: { roles: { anyOf: ['admin'] }, stepUp: { maxAge: 300, factors: 'mfa' } } } }, async () => ({ ok: true }))
  await app.ready()
  return app
}

afterEach(async () => {
  failures.length = 0
  nowMs = NOW_SECONDS * 1000
  await app?.close()
})

const call = (method: 'GET' | 'POST', url: string, token: string) => app.inject({ method, url, headers: { authorization: `Bearer ${token}` } })

describe('a stepUp rule', () => {
  it('lets a recent enough proof through, up to maxAge seconds old', async () => {
    await build()
    expect((await call('POST', '/admin', 'fresh')).statusCode).toBe(200)
    expect((await call('POST', '/admin', 'edge')).statusCode).toBe(200)
    expect((await call('GET', '/recent', 'fresh.user')).statusCode).toBe(200)
  })

  it('refuses an older proof with 401 and the RFC 9470 challenge', async () => {
    await build()
    const response = await call('POST', '/admin', 'stale')
    expect(response.statusCode).toBe(401)
    expect(response.headers['www-authenticate']).toBe(
      'Bearer realm="acme", error="insufficient_user_authentication", ' +
        'error_description="This needs a recent proof of who you are. Please confirm it and try again.", max_age=300',
    )
    expect(response.headers['cache-control']).toBe('no-store')
    expect(response.json()).toEqual({
      error: { code: 'insufficient_user_authentication', message: 'This needs a recent proof of who you are. Please confirm it and try again.' },
    })
    expect(failures).toEqual(['insufficient_user_authentication: authenticated more than 300 s ago'])
  })

  it('refuses a principal without an authentication time', async () => {
    await build()
    expect((await call('GET', '/recent', 'unknown')).statusCode).toBe(401)
    expect(failures).toEqual(['insufficient_user_authentication: no authentication time'])
  })

  it('ages with the clock it was given', async () => {
    await build()
    expect((await call('POST', '/admin', 'fresh')).statusCode).toBe(200)
    nowMs += 291_000
    expect((await call('POST', '/admin', 'fresh')).statusCode).toBe(401)
  })

  it('asks for a factor with acr_values, judged by the default (the amr holds it) or the app', async () => {
    await build()
    expect((await call('POST', '/admin/mfa', 'fresh.mfa')).statusCode).toBe(200)
    const refused = await call('POST', '/admin/mfa', 'fresh')
    expect(refused.statusCode).toBe(401)
    expect(refused.headers['www-authenticate']).toMatch(/, acr_values="mfa", max_age=300$/)
    await app.close()
    await build({ stepUp: { ...stepUp, satisfies: (factors, methods) => factors === 'mfa' && methods.includes('pwd') } })
    expect((await call('POST', '/admin/mfa', 'fresh')).statusCode).toBe(200)
  })

  it('checks the roles first: a fresh proof cannot give a role', async () => {
    await build()
    expect((await call('POST', '/admin', 'fresh.user')).statusCode).toBe(403)
  })

  it('fails at start-up without the stepUp option, or with an invalid requirement', async () => {
    app = Fastify()
    await app.register(tokenAuth, { verifyToken })
    expect(() => app.get('/x', { config: { auth: { stepUp: { maxAge: 60 } } } }, async () => ({}))).toThrow(/GET \/x declares stepUp, but the plugin was registered without/)
    await app.close()
    app = Fastify()
    await app.register(tokenAuth, { verifyToken, stepUp })
    const invalid: unknown[] = [{ stepUp: { maxAge: -1 } }, { stepUp: { maxAge: 1.5 } }, { stepUp: {} }, { stepUp: { maxAge: 60, factors: 'a b' } }, { stepUp: { maxAge: 60, acr: 'mfa' } }, { stepUp: 60 }]
    for (const auth of invalid) {
      expect(() => app.get(`/x${invalid.indexOf(auth)}`, { config: { auth: auth as 'required' } }, async () => ({}))).toThrow(/invalid auth rule/)
    }
  })

  it('answers 503 when the app’s judge throws: nothing is decided', async () => {
    await build({
      stepUp: {
        authentication: () => {
          throw new Error('broken')
        },
      },
    })
    expect((await call('POST', '/admin', 'fresh')).statusCode).toBe(503)
  })

  it('refuses a stepUp option without authentication', async () => {
    app = Fastify()
    await expect(app.register(tokenAuth, { verifyToken, stepUp: {} as unknown as TokenAuthOptions['stepUp'] })).rejects.toThrow(/`stepUp.authentication` must be a function/)
  })
})
