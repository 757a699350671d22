import { LoginAnswer, LoginOptions, LoginRequest, type SecondFactorMethod } from '@tokenauth/shared'
import type { App } from '../../http/app-instance.js'
import { ApiError } from '../../http/api-error.js'
import { RetryLaterError } from '../../http/retry-later-error.js'
import { DependencyUnavailableError } from '../../http/unavailable-error.js'
import { errorResponses } from '../../http/schemas.js'
import { startSession } from '../../auth/start-session.js'
import { auditIfThrottled } from '../../auth/throttled-sign-ins.js'
import { clearSessionCookie, sessionCookieSettings } from '../../auth/session-cookie.js'
import { inWriteTransaction, NO_SESSION } from '../../store/write-transaction.js'

/**
 * `POST /api/auth/login`. Unknown user, wrong password and disabled account answer the
 * same 401 in the same time: an unknown name is verified against a dummy hash.
 */
export function loginRoute(app: App): void {
  const { services } = app
  const cookie = sessionCookieSettings(services.config)
  app.get(
    '/login',
    {
      config: { auth: 'public' },
      schema: { tags: ['auth'], summary: 'What the sign-in form may offer', response: { 200: LoginOptions } },
    },
    async () => {
      const { rememberMeTimeoutSeconds, adminContact } = services.config
      return adminContact === undefined ? { rememberMeSeconds: rememberMeTimeoutSeconds } : { rememberMeSeconds: rememberMeTimeoutSeconds, adminContact }
    },
  )

  app.post(
    '/login',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'Sign in with a username and password',
        body: LoginRequest,
        response: { 200: LoginAnswer, ...errorResponses(400, 401, 413, 415, 429, 503) },
      },
    },
    async (request, reply) => {
      const { username, password } = request.body
      const user = await services.users.findByUsername(username)
      const secondFactorOn = user !== undefined && (await services.secondFactors.required(user.id))
      // Throttled (429) before any hash is computed; failures count whether the user exists or not.
      const passwordOk = await services.loginThrottle
        .guard(
          request.ip,
          username,
          () => services.passwords.verify(user?.passwordHash ?? services.dummyPasswordHash, password),
          (ok) => (user && ok && !user.disabled ? (secondFactorOn ? 'undecided' : true) : false),
        )
        .catch(async (error: unknown) => {
          // 429: a throttled account or address; 503: a store unreachable, or the hash queue full.
          if (error instanceof DependencyUnavailableError) services.metrics.signIn('unavailable')
          else if (error instanceof RetryLaterError) services.metrics.signIn(error.statusCode === 429 ? 'throttled' : 'busy')
          await auditIfThrottled(services.audit, request, error, { userId: user?.id, username: user?.username ?? username.slice(0, 64) })
          throw error
        })
      if (!user || !passwordOk || user.disabled) {
        const reason = !user ? 'unknown_user' : !passwordOk ? 'wrong_password' : 'user_disabled'
        services.metrics.signIn(reason)
        request.log.info({ reason }, 'login failed')
        // The reason stays server-side: the client gets the same answer for all three.
        await services.audit.recordUnauthenticated(request, 'login_failed', { userId: user?.id, username: user?.username ?? username.slice(0, 64), detail: { reason } })
        throw new ApiError(401, 'invalid_credentials')
      }
      if (secondFactorOn) {
        // No session yet: the second step (login-second-factor.ts) starts it. The challenge
        // is bound to this password hash, so a change that lands meanwhile voids it.
        // The passkey options ride along, so the second step needs no request of its own.
        const answer = await inWriteTransaction(services.engine, NO_SESSION, async (tx) => {
          const { challenge, expiresAt } = await services.secondFactors.openChallenge(user, request.body.rememberMe === true, tx)
          const totp = await services.secondFactors.totpEnabled(user.id, tx)
          const passkeys = services.passkeys.available && (await services.secondFactors.passkeys.countByUser(user.id, tx)) > 0
          const methods: SecondFactorMethod[] = [...(totp ? ['totp' as const] : []), ...(passkeys ? ['passkey' as const] : []), 'recovery_code']
          const passkeyOptions = passkeys ? await services.passkeys.requestOptions('second_factor', user.id, tx) : undefined
          return { mfaRequired: true as const, challenge, methods, expiresAt: new Date(expiresAt).toISOString(), ...(passkeyOptions ? { passkeyOptions } : {}) }
        })
        request.log.info({ userId: user.id }, 'login needs a second factor')
        return answer
      }
      const response = await startSession(services, request, user, { remember: request.body.rememberMe === true })
      // The hash takes tens of milliseconds; a password change or a disable that landed
      // meanwhile (from another request or instance) must not be outlived by this sign-in.
      // Read after the session exists: a change that lands later ends it like any other.
      const current = await services.users.findById(user.id)
      if (!current || current.passwordHash !== user.passwordHash || current.disabled) {
        await clearSessionCookie(request, reply, cookie)
        services.metrics.signIn('credentials_changed')
        request.log.info({ userId: user.id }, 'login failed: credentials changed during the check')
        await services.audit.recordUnauthenticated(request, 'login_failed', { userId: user.id, username: user.username, detail: { reason: 'credentials_changed' } })
        throw new ApiError(401, 'invalid_credentials')
      }
      services.metrics.signIn('success')
      request.log.info({ userId: user.id }, 'login succeeded')
      await services.audit.record(request, 'login_succeeded', { userId: user.id, username: user.username, secretRef: request.session.get('auth')?.handle })
      return response
    },
  )
}
