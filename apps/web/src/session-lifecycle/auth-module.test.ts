import { beforeEach, describe, expect, it } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { alice, apiError, bob, deferred, fakeAuthApi, networkError, session, sessionView } from '../testing/fakes'
import { createAppStore } from '../store'
import { authOf } from './auth-access'

describe('auth store module', () => {
  let api: ReturnType<typeof fakeAuthApi>
  let auth: ReturnType<typeof authOf>

  beforeEach(() => {
    api = fakeAuthApi()
    auth = authOf(createAppStore(api))
  })

  it('starts empty', () => {
    expect(auth.token).toBeNull()
    expect(auth.user).toBeNull()
    expect(auth.expiresAt).toBeNull()
  })

  it('login keeps the token, its expiry and the user', async () => {
    const user = await auth.login({ username: 'alice', password: 'pw' })
    expect(api.login).toHaveBeenCalledWith({ username: 'alice', password: 'pw' })
    expect(user).toEqual(alice)
    expect(auth.token).toBe('token-1')
    expect(auth.expiresAt).toBe('2030-01-01T00:00:00.000Z')
    expect(auth.hasRole('admin')).toBe(true)
    expect(auth.hasRole('auditor')).toBe(false)
  })

  it('keeps the restriction a sign-in or renewal carries, and forgets it on sign-out', async () => {
    api.login.mockResolvedValueOnce({ ...session('token-r'), restriction: 'password_change_required' })
    await auth.login({ username: 'alice', password: 'pw' })
    expect(auth.restriction).toBe('password_change_required')
    api.refresh.mockResolvedValueOnce({ ...session('token-s'), restriction: 'second_factor_enrolment_required' })
    await auth.renew()
    expect(auth.restriction).toBe('second_factor_enrolment_required')
    api.refresh.mockResolvedValueOnce(session('token-t'))
    await auth.renew()
    expect(auth.restriction).toBeNull()
    auth.setRestriction('password_change_required')
    await auth.logout()
    expect(auth.restriction).toBeNull()
  })

  it('a failed login rejects and keeps nothing', async () => {
    api.login.mockRejectedValueOnce(apiError(401, 'invalid_credentials'))
    await expect(auth.login({ username: 'alice', password: 'nope' })).rejects.toThrow()
    expect(auth.token).toBeNull()
    expect(auth.user).toBeNull()
  })

  it('a login that asks for a second factor keeps nothing; the second step signs in', async () => {
    const challenge = { mfaRequired: true as const, challenge: 'c', methods: ['totp' as const], expiresAt: '2030-01-01T00:05:00.000Z' }
    api.login.mockResolvedValueOnce(challenge)
    await expect(auth.login({ username: 'alice', password: 'pw' })).resolves.toEqual(challenge)
    expect(auth.token).toBeNull()
    expect(api.announce).not.toHaveBeenCalled()
    const user = await auth.loginSecondFactor({ challenge: 'c', totp: '123456' })
    expect(api.loginSecondFactor).toHaveBeenCalledWith({ challenge: 'c', totp: '123456' })
    expect(user).toEqual(alice)
    expect(auth.token).toBe('token-2fa')
    expect(api.announce).toHaveBeenCalledWith('login')
  })

  it('setup signs the new admin in', async () => {
    await auth.setup({ setupToken: 't', username: 'root', password: 'long-enough' })
    expect(auth.token).toBe('token-setup')
  })

  it('logout ends the server session, then clears', async () => {
    auth.setSession(session('t1'))
    await auth.logout()
    expect(api.logout).toHaveBeenCalledTimes(1)
    expect(auth.token).toBeNull()
    expect(auth.user).toBeNull()
  })

  it('logout clears even when the server call fails', async () => {
    auth.setSession(session('t1'))
    api.logout.mockRejectedValueOnce(networkError())
    await expect(auth.logout()).resolves.toBeUndefined()
    expect(auth.token).toBeNull()
  })

  it('logout without a token does not call the server', async () => {
    await auth.logout()
    expect(api.logout).not.toHaveBeenCalled()
  })

  it('restore renews through the cookie and reports success', async () => {
    api.refresh.mockResolvedValueOnce(session('renewed'))
    await expect(auth.restore()).resolves.toBe(true)
    expect(auth.token).toBe('renewed')
    expect(auth.user).toEqual(alice)
  })

  it('restore with no or a dead session ends up cleanly logged out, never rejecting', async () => {
    auth.setSession(session('stale'))
    api.refresh.mockRejectedValueOnce(apiError(401, 'revoked_token'))
    await expect(auth.restore()).resolves.toBe(false)
    expect(auth.token).toBeNull()
  })

  it('renew is single-flight: many callers, one refresh request', async () => {
    const pending = deferred<ReturnType<typeof session>>()
    api.refresh.mockReturnValueOnce(pending.promise)
    const calls = [auth.renew(), auth.renew(), auth.renew()]
    pending.resolve(session('fresh'))
    await expect(Promise.all(calls)).resolves.toEqual(['fresh', 'fresh', 'fresh'])
    expect(api.refresh).toHaveBeenCalledTimes(1)
    // The next renewal is a new flight.
    api.refresh.mockResolvedValueOnce(session('fresher'))
    await expect(auth.renew()).resolves.toBe('fresher')
    expect(api.refresh).toHaveBeenCalledTimes(2)
  })

  it('clear forgets everything', async () => {
    await auth.login({ username: 'alice', password: 'pw' })
    await flushPromises()
    auth.clear()
    expect([auth.token, auth.user, auth.expiresAt, auth.absoluteExpiresAt]).toEqual([null, null, null, null])
  })

  describe("the session's absolute end", () => {
    it('is read after signing in, without holding the sign-in up', async () => {
      const answer = deferred<ReturnType<typeof sessionView>>()
      api.getSession.mockReturnValueOnce(answer.promise)
      await auth.login({ username: 'alice', password: 'pw' })
      expect(auth.token).toBe('token-1')
      expect(auth.absoluteExpiresAt).toBeNull()
      answer.resolve(sessionView('2030-01-01T08:00:00.000Z'))
      await flushPromises()
      expect(auth.absoluteExpiresAt).toBe('2030-01-01T08:00:00.000Z')
    })

    it('is read after setup and after a restore at boot, not after a plain renewal', async () => {
      await auth.setup({ setupToken: 't', username: 'root', password: 'long-enough' })
      await flushPromises()
      expect(api.getSession).toHaveBeenCalledTimes(1)
      api.refresh.mockResolvedValue(session('renewed'))
      await auth.renew()
      await flushPromises()
      expect(api.getSession).toHaveBeenCalledTimes(1)
      await auth.restore()
      await flushPromises()
      expect(api.getSession).toHaveBeenCalledTimes(2)
      expect(auth.absoluteExpiresAt).toBe('2030-01-01T12:00:00.000Z')
    })

    it('a failed read leaves it unknown and the session intact', async () => {
      api.getSession.mockRejectedValueOnce(networkError())
      await auth.login({ username: 'alice', password: 'pw' })
      await flushPromises()
      expect(auth.absoluteExpiresAt).toBeNull()
      expect(auth.token).toBe('token-1')
    })

    it('a late answer for an earlier sign-in is ignored', async () => {
      const late = deferred<ReturnType<typeof sessionView>>()
      api.getSession.mockReturnValueOnce(late.promise).mockResolvedValueOnce(sessionView('2030-01-02T00:00:00.000Z', bob))
      await auth.login({ username: 'alice', password: 'pw' })
      api.login.mockResolvedValueOnce(session('token-bob', bob))
      await auth.login({ username: 'bob', password: 'pw' })
      await flushPromises()
      late.resolve(sessionView('2030-01-01T01:00:00.000Z'))
      await flushPromises()
      expect(auth.absoluteExpiresAt).toBe('2030-01-02T00:00:00.000Z')
    })
  })

  describe('reading the session: one owner, one request per load', () => {
    it('a read in flight is joined, whoever asks', async () => {
      const answer = deferred<ReturnType<typeof sessionView>>()
      api.getSession.mockReturnValueOnce(answer.promise)
      await auth.login({ username: 'alice', password: 'pw' }) // reads the lifetime
      const reads = [auth.readSession('recent'), auth.readSession()]
      answer.resolve(sessionView('2030-01-01T08:00:00.000Z'))
      await expect(Promise.all(reads)).resolves.toEqual([sessionView('2030-01-01T08:00:00.000Z'), sessionView('2030-01-01T08:00:00.000Z')])
      expect(api.getSession).toHaveBeenCalledTimes(1)
    })

    it('the page the app lands on takes the read made at sign-in; after endSharedRead, and for a fresh read, it asks again', async () => {
      await auth.login({ username: 'alice', password: 'pw' })
      await flushPromises()
      expect(api.getSession).toHaveBeenCalledTimes(1)
      await auth.readSession('recent')
      expect(api.getSession).toHaveBeenCalledTimes(1)
      await auth.readSession('fresh')
      expect(api.getSession).toHaveBeenCalledTimes(2)
      await auth.readSession('recent') // the fresh answer is shared in turn
      expect(api.getSession).toHaveBeenCalledTimes(2)
      await auth.endSharedRead()
      await auth.readSession('recent')
      expect(api.getSession).toHaveBeenCalledTimes(3)
    })

    it("another sign-in's answer is never reused, and a failed read is not shared", async () => {
      await auth.login({ username: 'alice', password: 'pw' })
      await flushPromises()
      api.login.mockResolvedValueOnce(session('token-bob', bob))
      api.getSession.mockRejectedValueOnce(networkError())
      await auth.login({ username: 'bob', password: 'pw' })
      await flushPromises()
      expect(api.getSession).toHaveBeenCalledTimes(2)
      api.getSession.mockResolvedValueOnce(sessionView('2030-01-03T00:00:00.000Z', bob))
      await expect(auth.readSession('recent')).resolves.toEqual(sessionView('2030-01-03T00:00:00.000Z', bob))
      expect(api.getSession).toHaveBeenCalledTimes(3)
      expect(auth.absoluteExpiresAt).toBe('2030-01-03T00:00:00.000Z')
    })
  })

  it('dropToken forgets the token and the end of the session but keeps the user on screen', async () => {
    await auth.login({ username: 'alice', password: 'pw' })
    await flushPromises()
    auth.dropToken()
    expect([auth.token, auth.expiresAt, auth.absoluteExpiresAt]).toEqual([null, null, null])
    expect(auth.user).toEqual(alice)
  })
})

describe('telling the other tabs', () => {
  it('sign-in, setup and sign-out announce themselves; renewal and restore do not', async () => {
    const api = fakeAuthApi()
    const auth = authOf(createAppStore(api))
    await auth.login({ username: 'alice', password: 'pw' })
    await auth.setup({ setupToken: 't', username: 'root', password: 'long-enough' })
    api.refresh.mockResolvedValue(session('renewed'))
    await auth.renew()
    await auth.restore()
    await auth.logout()
    expect(api.announce.mock.calls).toEqual([['login'], ['login'], ['logout']])
  })

  it('a failed sign-in announces nothing', async () => {
    const api = fakeAuthApi()
    api.login.mockRejectedValueOnce(apiError(401, 'invalid_credentials'))
    await expect(authOf(createAppStore(api)).login({ username: 'a', password: 'b' })).rejects.toThrow()
    expect(api.announce).not.toHaveBeenCalled()
  })
})
