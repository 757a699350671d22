import { LoginResponse, PasskeyRequestOptions, StepUpRequest, type AuditDetail } from '@tokenauth/shared'
import { currentUser } from '@tokenauth/fastify-token-auth'
import type { FastifyRequest } from 'fastify'
import type { App } from '../../http/app-instance.js'
import { ApiError } from '../../http/api-error.js'
import { errorResponses } from '../../http/schemas.js'
import { TokenRefusal } from '../../http/token-refusal.js'
import { writeAsActor } from '../../auth/acting-write.js'
import { issueAccessToken } from '../../auth/start-session.js'
import type { WriteTransaction } from '../../store/write-transaction.js'
import type { UserRecord } from '../../store/user-store.js'
import { OPEN_WHILE_RESTRICTED } from '../../plugins/restricted-session.js'

/** What a step-up proves, and how it is recorded. */
interface Proof {
  /** RFC 8176 values for the session and the new token. */
  readonly amr: readonly string[]
  readonly succeeded: AuditDetail
  readonly failed: AuditDetail
  /** The refusal for a wrong proof: 403, the session itself is fine. */
  readonly wrong: 'invalid_credentials' | 'invalid_second_factor' | 'invalid_passkey'
}

const PROOFS = {
  // Something held; `user` joins it when the authenticator checked the person (see below).
  passkey: { amr: ['hwk'], succeeded: { reason: 'with_passkey', params: { verified: false } }, failed: { reason: 'passkey_not_verified' }, wrong: 'invalid_passkey' },
  password: { amr: ['pwd'], succeeded: { reason: 'with_password' }, failed: { reason: 'wrong_password' }, wrong: 'invalid_credentials' },
  totp: { amr: ['otp'], succeeded: { reason: 'with_totp' }, failed: { reason: 'wrong_totp' }, wrong: 'invalid_second_factor' },
  // A recovery code is a one-time password of its own (RFC 8176 has no closer value).
  recoveryCode: { amr: ['otp'], succeeded: { reason: 'with_recovery_code' }, failed: { reason: 'wrong_recovery_code' }, wrong: 'invalid_second_factor' },
} as const satisfies Record<string, Proof>

type ProofName = keyof typeof PROOFS

/**
 * `POST /api/auth/step-up` (RFC 9470): a fresh proof of who the person is — a passkey,
 * an authenticator code, a recovery code or the password — answered with a new access token for the
 * same session, whose `auth_time` is now and whose `amr` says what was proved. No new
 * session, no new cookie; the session records the proof, so renewals keep it. With a
 * second factor on the account the password alone is refused (403
 * `second_factor_required`): a stolen session and a phished password must not suffice.
 * Every check runs under the sign-in throttle, so a stolen token is no oracle.
 */
export default async function stepUpRoutes(app: App): Promise<void> {
  const { services } = app
  const sf = services.secondFactors

  app.post(
    '/auth/step-up/options',
    {
      config: { auth: 'required', openWhileRestricted: OPEN_WHILE_RESTRICTED.always },
      schema: {
        tags: ['auth'],
        summary: "WebAuthn request options for a step-up with one of the account's passkeys",
        response: { 200: PasskeyRequestOptions, ...errorResponses(401, 404, 409) },
      },
    },
    async (request) => {
      if (!services.passkeys.available) throw new ApiError(404, 'not_found', 'Passkeys are off: the site is served on an IP address, which WebAuthn cannot use.')
      const { id } = currentUser(request)
      // Inside the write: a session revoked meanwhile hears that, not "no passkey".
      const options = await writeAsActor(request, async (tx) => ((await sf.passkeys.countByUser(id, tx)) === 0 ? null : services.passkeys.requestOptions('step_up', id, tx)))
      if (!options) throw new ApiError(409, 'conflict', 'This account has no passkey.')
      return options
    },
  )

  app.post(
    '/auth/step-up',
    {
      config: { auth: 'required', openWhileRestricted: OPEN_WHILE_RESTRICTED.always },
      schema: {
        tags: ['auth'],
        summary: 'A fresh proof of who you are, for a new token of the same session',
        body: StepUpRequest,
        response: { 200: LoginResponse, ...errorResponses(400, 401, 403, 413, 415, 429, 503) },
      },
    },
    async (request) => {
      const actor = currentUser(request)
      const user = await services.users.findById(actor.id)
      if (!user || user.disabled) throw new TokenRefusal('revoked_token')
      const body = request.body
      const name: ProofName = 'passkey' in body ? 'passkey' : 'password' in body ? 'password' : 'totp' in body ? 'totp' : 'recoveryCode'
      let proof: Proof = PROOFS[name]
      const authTime = services.clock()

      if (name === 'password' && (await sf.required(user.id))) {
        await services.audit.record(request, 'step_up_failed', { userId: user.id, username: user.username, detail: { reason: 'password_not_enough' } })
        throw new ApiError(403, 'second_factor_required')
      }
      const record = (tx: WriteTransaction) => services.sessions.recordAuthentication(actor.sessionId, authTime, proof.amr, tx)
      const proved = await services.loginThrottle.guard(
        request.ip,
        user.username,
        async () => {
          if ('password' in body) return (await services.passwords.verify(user.passwordHash, body.password)) && writeAsActor(request, record)
          if ('passkey' in body) {
            // The signature is checked first (it takes the WebAuthn challenge, once); the use and the proof land in one write.
            if (!services.passkeys.available) return false
            const assertion = await services.passkeys.verifyAssertion('step_up', user.id, body.passkey, (id) => services.users.findById(id))
            if (!assertion.ok) return false
            if (assertion.userVerified) proof = { ...proof, amr: ['hwk', 'user'], succeeded: { reason: 'with_passkey', params: { verified: true } } }
            const amr = proof.amr
            return writeAsActor(request, async (tx) => (await sf.passkeys.recordUse(assertion.passkey.id, assertion.passkey.counter, assertion.use, tx)) && services.sessions.recordAuthentication(actor.sessionId, authTime, amr, tx))
          }
          // The code is used up and the proof recorded in one write: a code proves once.
          return writeAsActor(request, async (tx) => {
            const accepted = 'totp' in body ? await sf.acceptTotp(user.id, body.totp, tx) : await sf.acceptRecoveryCode(user.id, body.recoveryCode, tx)
            return accepted && record(tx)
          })
        },
        (ok) => ok,
      )
      if (!proved) {
        await services.audit.record(request, 'step_up_failed', { userId: user.id, username: user.username, detail: proof.failed })
        throw new ApiError(403, proof.wrong)
      }
      request.log.info({ userId: user.id, method: name }, 'step-up succeeded')
      await services.audit.record(request, 'step_up_succeeded', { userId: user.id, username: user.username, secretRef: actor.sessionId, detail: proof.succeeded })
      if (name === 'recoveryCode') await recordRecoveryCodeUse(request, user)
      return issueAccessToken(services, user, actor.sessionId, { authTime, amr: proof.amr })
    },
  )

  async function recordRecoveryCodeUse(request: FastifyRequest, user: UserRecord): Promise<void> {
    const left = await sf.recoveryCodes.countUnused(user.id)
    await services.audit.record(request, 'recovery_code_used', { userId: user.id, username: user.username, detail: { reason: 'recovery_codes_left', params: { count: left } } })
  }
}
