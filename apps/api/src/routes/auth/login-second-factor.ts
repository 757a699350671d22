import { LoginResponse, SecondFactorLoginRequest } from '@tokenauth/shared'
import type { App } from '../../http/app-instance.js'
import { ApiError } from '../../http/api-error.js'
import { errorResponses } from '../../http/schemas.js'
import { startSession } from '../../auth/start-session.js'
import { auditIfThrottled } from '../../auth/throttled-sign-ins.js'
import { inWriteTransaction, NO_SESSION } from '../../store/write-transaction.js'
import { CHALLENGE_MAX_FAILURES, credentialStamp } from '../../second-factor/second-factors.js'

type Verdict = 'accepted' | 'wrong_code' | 'challenge_gone'

class ChallengeTakenError extends Error {
  override name = 'ChallengeTakenError'
}

/**
 * `POST /api/auth/login/second-factor`: the challenge from `POST /api/auth/login` and a
 * code from the authenticator app, a recovery code, or a passkey's assertion; then the session starts, as login
 * does. The code is accepted, and the challenge used up, in one write: two requests with
 * the same code (on any instance) sign in once. Wrong codes count in the sign-in
 * throttle like wrong passwords, per account and per address.
 */
export function loginSecondFactorRoute(app: App): void {
  const { services } = app
  app.post(
    '/login/second-factor',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'Finish a sign-in with an authenticator code, a passkey or a recovery code',
        body: SecondFactorLoginRequest,
        response: { 200: LoginResponse, ...errorResponses(400, 401, 413, 415, 429, 503) },
      },
    },
    async (request) => {
      const body = request.body
      const found = await services.secondFactors.findChallenge(body.challenge)
      const user = found && (await services.users.findById(found.userId))
      if (!found || !user || user.disabled || credentialStamp(user.passwordHash) !== found.credentialStamp) {
        throw new ApiError(401, 'invalid_challenge')
      }
      const method = 'totp' in body ? 'totp' : 'passkey' in body ? 'passkey' : 'recovery_code'
      const verdict = await services.loginThrottle.guard(
        request.ip,
        user.username,
        async () => {
          // The signature is checked before the write (it takes the WebAuthn challenge, once); what it proved lands with the challenge's use.
          const assertion = 'passkey' in body ? await services.passkeys.verifyAssertion('second_factor', user.id, body.passkey, (id) => services.users.findById(id)) : undefined
          return inWriteTransaction(services.engine, NO_SESSION, async (tx): Promise<Verdict> => {
            const live = await services.secondFactors.findChallenge(body.challenge, tx)
            if (!live || live.userId !== user.id) return 'challenge_gone'
            const accepted =
              'totp' in body
                ? await services.secondFactors.acceptTotp(user.id, body.totp, tx)
                : 'recoveryCode' in body
                  ? await services.secondFactors.acceptRecoveryCode(user.id, body.recoveryCode, tx)
                  : assertion?.ok === true && (await services.secondFactors.passkeys.recordUse(assertion.passkey.id, assertion.passkey.counter, assertion.use, tx))
            if (!accepted) {
              await services.secondFactors.challenges.recordFailure(live.idHash, CHALLENGE_MAX_FAILURES, tx)
              return 'wrong_code'
            }
            // Lost the challenge to a concurrent request: roll back, so this one's code stays unused.
            if (!(await services.secondFactors.challenges.consume(live.idHash, tx))) throw new ChallengeTakenError()
            return 'accepted'
          }).catch((error: unknown) => {
            if (error instanceof ChallengeTakenError) return 'challenge_gone' as const
            throw error
          })
        },
        (answer) => answer === 'accepted',
      ).catch(async (error: unknown) => {
        await auditIfThrottled(services.audit, request, error, { userId: user.id, username: user.username })
        throw error
      })
      if (verdict === 'challenge_gone') throw new ApiError(401, 'invalid_challenge')
      if (verdict === 'wrong_code') {
        services.metrics.signIn('wrong_password')
        const reason = method === 'totp' ? 'wrong_totp' : method === 'passkey' ? 'passkey_not_verified' : 'wrong_recovery_code'
        await services.audit.recordUnauthenticated(request, 'second_factor_failed', { userId: user.id, username: user.username, detail: { reason } })
        throw new ApiError(401, method === 'passkey' ? 'invalid_passkey' : 'invalid_second_factor')
      }
      const response = await startSession(services, request, user, { remember: found.remember, amr: method === 'passkey' ? ['pwd', 'hwk', 'mfa'] : ['pwd', 'otp', 'mfa'] })
      services.metrics.signIn('success')
      request.log.info({ userId: user.id, method }, 'login succeeded with a second factor')
      if (method === 'recovery_code') {
        const left = await services.secondFactors.recoveryCodes.countUnused(user.id)
        await services.audit.record(request, 'recovery_code_used', { userId: user.id, username: user.username, detail: { reason: 'recovery_codes_left', params: { count: left } } })
      }
      await services.audit.record(request, 'login_succeeded', { userId: user.id, username: user.username, secretRef: request.session.get('auth')?.handle, detail: { reason: method === 'totp' ? 'with_totp' : method === 'passkey' ? 'with_passkey_second_factor' : 'with_recovery_code' } })
      return response
    },
  )
}
