import { describe, expect, it } from 'vitest'
import { generateSigningKey } from '@tokenauth/signer'
import { createAccessTokenSigner } from './access-tokens.js'
import { createCheckAccessToken, TOUCH_INTERVAL_MS } from './verify-access-token.js'
import type { LiveSessionView } from '../store/session-store.js'

/** The check is a check: it reads a session and answers, and names the writes for someone else. */
const start = Date.UTC(2026, 0, 1, 9)
let now = start
const clock = () => now
const signer = createAccessTokenSigner([generateSigningKey('k1')], 900, clock)
const session: LiveSessionView = {
  handle: 'h1',
  userId: 7,
  username: 'alice',
  roles: [],
  disabled: false,
  mustChangePassword: false,
  hasSecondFactor: false,
  lastSeenAt: start,
  absoluteExpiresAt: start + 12 * 3600_000,
}
const check = createCheckAccessToken({ signer, findSession: (handle) => (handle === 'h1' ? session : undefined), clock, idleTimeoutMs: 30 * 60_000, mfaRequired: 'none' })

describe('createCheckAccessToken', () => {
  it('accepts a live session of the token’s user, and asks for no write within the touch interval', async () => {
    now = start + 1000
    const { token } = await signer.sign({ sub: '7', sid: 'h1' })
    const checked = await check(token)
    expect(checked.result).toEqual({ ok: true, principal: { id: 7, username: 'alice', roles: [], sessionId: 'h1', authTime: undefined, amr: [] } })
    expect(checked.followUp).toBeUndefined()
  })

  it('carries the token’s auth_time and amr to the principal, and ignores them when malformed', async () => {
    const { token } = await signer.sign({ sub: '7', sid: 'h1', auth_time: 1_767_000_000, amr: ['pwd', 'otp', 'mfa'] })
    expect((await check(token)).result).toMatchObject({ ok: true, principal: { authTime: 1_767_000_000, amr: ['pwd', 'otp', 'mfa'] } })
    const { token: odd } = await signer.sign({ sub: '7', sid: 'h1', auth_time: 'yesterday', amr: ['pwd'] })
    expect((await check(odd)).result).toMatchObject({ ok: true, principal: { authTime: undefined, amr: [] } })
  })

  it('asks for a touch once the interval has passed', async () => {
    now = start + TOUCH_INTERVAL_MS
    const { token } = await signer.sign({ sub: '7', sid: 'h1' })
    expect((await check(token)).followUp).toEqual({ kind: 'touch', handle: 'h1', at: now })
  })

  it('refuses a session of another user, with nothing to write', async () => {
    const { token } = await signer.sign({ sub: '8', sid: 'h1' })
    expect(await check(token)).toEqual({ result: { ok: false, code: 'revoked_token', detail: 'no_session' } })
  })

  it('refuses an idle session and asks for it to be ended', async () => {
    now = start + 31 * 60_000
    const { token } = await signer.sign({ sub: '7', sid: 'h1' })
    const checked = await check(token)
    expect(checked.result).toMatchObject({ ok: false, code: 'revoked_token' })
    expect(checked.followUp).toMatchObject({ kind: 'end_session', handle: 'h1', userId: 7 })
  })
})
