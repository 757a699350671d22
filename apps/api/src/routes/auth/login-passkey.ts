import { LoginResponse, PasskeyLoginRequest, PasskeyRequestOptions } from '@tokenauth/shared'
import type { App } from '../../http/app-instance.js'
import { ApiError } from '../../http/api-error.js'
import { errorResponses } from '../../http/schemas.js'
import { startSession } from '../../auth/start-session.js'
import { clearSessionCookie, sessionCookieSettings } from '../../auth/session-cookie.js'
import { inWriteTransaction, NO_SESSION } from '../../store/write-transaction.js'
import type { PasskeyRefusal } from '../../second-factor/passkey-ceremonies.js'

type Outcome = { readonly ok: true; readonly userVerified: boolean } | { readonly ok: false; readonly reason: PasskeyRefusal | 'user_disabled' }

/**
 * "Sign in with a passkey": `POST /api/auth/passkey/options` gives request options with no
 * credential listed (the browser offers the site's discoverable passkeys, or autofills
 * one), and `POST /api/auth/passkey` takes the assertion and starts the session as login
 * does. With user verification (a PIN, a fingerprint) the sign-in counts as two factors.
 * Unknown passkey, bad assertion and disabled account answer the same 401; failures count
 * in the sign-in throttle, per account (the passkey's) and per address.
 */
export function loginPasskeyRoutes(app: App): void {
  const { services } = app
  const cookie = sessionCookieSettings(services.config)
  const passkeysOn = (): void => {
    if (!services.passkeys.available) throw new ApiError(404, 'not_found', 'Passkeys are off: the site is served on an IP address, which WebAuthn cannot use.')
  }

  app.post(
    '/passkey/options',
    {
      config: { auth: 'public' },
      schema: { tags: ['auth'], summary: 'Request options for a passkey sign-in (discoverable)', response: { 200: PasskeyRequestOptions, ...errorResponses(404, 503) } },
    },
    async () => {
      passkeysOn()
      return inWriteTransaction(services.engine, NO_SESSION, (tx) => services.passkeys.requestOptions('sign_in', null, tx))
    },
  )

  app.post(
    '/passkey',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'Sign in with a passkey',
        body: PasskeyLoginRequest,
        response: { 200: LoginResponse, ...errorResponses(400, 401, 404, 413, 415, 429, 503) },
      },
    },
    async (request, reply) => {
      passkeysOn()
      const { response: assertion, rememberMe } = request.body
      const known = await services.secondFactors.passkeys.findByCredentialId(assertion.id)
      const owner = known && (await services.users.findById(known.userId))
      const outcome = await services.loginThrottle.guard(
        request.ip,
        owner?.username ?? '',
        async (): Promise<Outcome> => {
          const result = await services.passkeys.verifyAssertion('sign_in', null, assertion, (id) => services.users.findById(id))
          if (!result.ok) return result
          // Checked after the signature, so a disabled account answers as a bad assertion does, and its passkey records no use.
          if (owner?.disabled) return { ok: false, reason: 'user_disabled' }
          const used = await inWriteTransaction(services.engine, NO_SESSION, (tx) => services.secondFactors.passkeys.recordUse(result.passkey.id, result.passkey.counter, result.use, tx))
          return used ? { ok: true, userVerified: result.userVerified } : { ok: false, reason: 'passkey_not_verified' }
        },
        (answer) => answer.ok,
      )
      if (!outcome.ok || !owner) {
        const reason = outcome.ok ? 'unknown_passkey' : outcome.reason
        services.metrics.signIn(reason === 'user_disabled' ? 'user_disabled' : 'wrong_password')
        await services.audit.recordUnauthenticated(request, 'login_failed', { userId: owner?.id, username: owner?.username, detail: { reason } })
        throw new ApiError(401, 'invalid_passkey')
      }
      // RFC 8176: `hwk` (a key held in hardware); with user verification also `user`, and two factors.
      const amr = outcome.userVerified ? ['hwk', 'user', 'mfa'] : ['hwk']
      const session = await startSession(services, request, owner, { remember: rememberMe === true, amr })
      // A disable that landed during the check must not be outlived by this sign-in.
      const current = await services.users.findById(owner.id)
      if (!current || current.disabled) {
        await clearSessionCookie(request, reply, cookie)
        services.metrics.signIn('credentials_changed')
        await services.audit.recordUnauthenticated(request, 'login_failed', { userId: owner.id, username: owner.username, detail: { reason: 'credentials_changed' } })
        throw new ApiError(401, 'invalid_passkey')
      }
      services.metrics.signIn('success')
      request.log.info({ userId: owner.id, userVerified: outcome.userVerified }, 'login succeeded with a passkey')
      await services.audit.record(request, 'login_succeeded', {
        userId: owner.id,
        username: owner.username,
        secretRef: request.session.get('auth')?.handle,
        detail: { reason: 'with_passkey', params: { verified: outcome.userVerified } },
      })
      return session
    },
  )
}
