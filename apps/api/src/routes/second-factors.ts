import {
  RecoveryCodesResponse,
  SecondFactorStatus,
  TotpConfirmRequest,
  TotpEnrolment,
} from '@tokenauth/shared'
import { currentUser } from '@tokenauth/fastify-token-auth'
import type { FastifyRequest } from 'fastify'
import type { App } from '../http/app-instance.js'
import { ApiError } from '../http/api-error.js'
import { errorResponses } from '../http/schemas.js'
import { writeAsActor } from '../auth/acting-write.js'
import { TokenRefusal } from '../http/token-refusal.js'
import type { UserRecord } from '../store/user-store.js'
import { toPasskeySummary } from './passkeys.js'
import { OPEN_WHILE_RESTRICTED } from '../plugins/restricted-session.js'

/**
 * The signed-in person's second factors: `GET /api/me/second-factors`, enrol and confirm
 * an authenticator app, turn it off, regenerate recovery codes. Beginning an enrolment
 * needs a recent sign-in, turning a factor off and new recovery codes a recent proof
 * (both `STEP_UP_MAX_AGE`, `POST /api/auth/step-up`): a stolen token alone can neither
 * plant its own authenticator nor remove the person's. A wrong code here is 403, not
 * 401: the session is fine, and a 401 would sign the app out.
 */
export default async function secondFactorRoutes(app: App): Promise<void> {
  const { services } = app
  const sf = services.secondFactors
  const recentProof = { auth: { stepUp: { maxAge: services.config.stepUpMaxAgeSeconds } } } as const

  const me = async (request: FastifyRequest): Promise<UserRecord> => {
    const user = await services.users.findById(currentUser(request).id)
    if (!user) throw new TokenRefusal('revoked_token')
    return user
  }

  app.get(
    '/me/second-factors',
    { config: { auth: 'required', openWhileRestricted: OPEN_WHILE_RESTRICTED.enrolment }, schema: { tags: ['account'], response: { 200: SecondFactorStatus, ...errorResponses(401) } } },
    async (request) => {
      const { id } = currentUser(request)
      const passkeys = (await sf.passkeys.listByUser(id)).map(toPasskeySummary)
      return { totp: { enabled: await sf.totpEnabled(id) }, passkeys, recoveryCodesLeft: await sf.recoveryCodes.countUnused(id) }
    },
  )

  app.post(
    '/me/second-factors/totp',
    {
      config: { ...recentProof, openWhileRestricted: OPEN_WHILE_RESTRICTED.enrolment },
      schema: { tags: ['account'], summary: 'Begin enrolling an authenticator app', response: { 200: TotpEnrolment, ...errorResponses(401, 409) } },
    },
    async (request) => {
      const user = await me(request)
      const enrolment = await writeAsActor(request, (tx) => sf.beginTotp(user.id, user.username, services.config.mfaIssuer, tx))
      if (!enrolment) throw new ApiError(409, 'conflict', 'An authenticator app is already on; turn it off first.')
      return enrolment
    },
  )

  app.post(
    '/me/second-factors/totp/confirm',
    {
      config: { auth: 'required', openWhileRestricted: OPEN_WHILE_RESTRICTED.enrolment },
      schema: {
        tags: ['account'],
        summary: 'Turn the authenticator app on with its first code',
        body: TotpConfirmRequest,
        response: { 200: RecoveryCodesResponse, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const user = await me(request)
      const recoveryCodes = await writeAsActor(request, (tx) => sf.confirmTotp(user.id, request.body.code, tx))
      if (recoveryCodes === null) throw new ApiError(403, 'invalid_second_factor')
      // Whether the account has a second factor is part of the cached session view (MFA_REQUIRED).
      await services.sessions.invalidate({ userIds: [user.id] })
      await services.audit.record(request, 'totp_enabled', { userId: user.id, username: user.username })
      return { recoveryCodes }
    },
  )

  app.delete(
    '/me/second-factors/totp',
    {
      config: recentProof,
      schema: {
        tags: ['account'],
        summary: 'Turn the authenticator app off (needs a recent step-up)',
        response: { 204: { type: 'null' }, ...errorResponses(401, 404, 503) },
      },
    },
    async (request, reply) => {
      const user = await me(request)
      if (!(await writeAsActor(request, (tx) => sf.disableTotp(user.id, tx)))) throw new ApiError(404, 'not_found', 'No authenticator app is on.')
      // Whether the account has a second factor is part of the cached session view (MFA_REQUIRED).
      await services.sessions.invalidate({ userIds: [user.id] })
      await services.audit.record(request, 'totp_disabled', { userId: user.id, username: user.username })
      return reply.code(204).send(null)
    },
  )

  app.post(
    '/me/second-factors/recovery-codes',
    {
      config: recentProof,
      schema: { tags: ['account'], summary: 'New recovery codes (the old ones are void)', response: { 200: RecoveryCodesResponse, ...errorResponses(401, 409) } },
    },
    async (request) => {
      const user = await me(request)
      const recoveryCodes = await writeAsActor(request, async (tx) => ((await sf.required(user.id, tx)) ? sf.regenerateRecoveryCodes(user.id, tx) : null))
      if (!recoveryCodes) throw new ApiError(409, 'conflict', 'Recovery codes need a second factor; turn one on first.')
      await services.audit.record(request, 'recovery_codes_regenerated', { userId: user.id, username: user.username })
      return { recoveryCodes }
    },
  )
}
