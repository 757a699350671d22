import type { PasskeySummary } from '@tokenauth/shared';
import { PasskeyAdded, PasskeyAddRequest, PasskeyCreationOptions, PasskeyIdParams, PasskeyRenameRequest } from '@tokenauth/shared'
import { currentUser } from '@tokenauth/fastify-token-auth'
import type { FastifyRequest } from 'fastify'
import type { App } from '../http/app-instance.js'
import { ApiError } from '../http/api-error.js'
import { errorResponses } from '../http/schemas.js'
import { confirmActorLive, writeAsActor } from '../auth/acting-write.js'
import { TokenRefusal } from '../http/token-refusal.js'
import type { UserRecord } from '../store/user-store.js'
import type { PasskeyRecord } from '../store/passkey-store.js'
import { OPEN_WHILE_RESTRICTED } from '../plugins/restricted-session.js'

/** A passkey as the profile lists it. */
export function toPasskeySummary(passkey: Pick<PasskeyRecord, 'id' | 'name' | 'createdAt' | 'lastUsedAt'>): PasskeySummary {
  return {
    id: passkey.id,
    name: passkey.name,
    createdAt: new Date(passkey.createdAt).toISOString(),
    lastUsedAt: passkey.lastUsedAt === null ? null : new Date(passkey.lastUsedAt).toISOString(),
  }
}

/**
 * The signed-in person's passkeys: creation options, add one from the browser's
 * registration response, rename, remove. Failures are 403, not 401: the session is fine.
 */
export default async function passkeyRoutes(app: App): Promise<void> {
  const { services } = app
  const sf = services.secondFactors

  const me = async (request: FastifyRequest): Promise<UserRecord> => {
    const user = await services.users.findById(currentUser(request).id)
    if (!user) throw new TokenRefusal('revoked_token')
    return user
  }
  // Adding a passkey needs a sign-in within the step-up window, removing one a step-up:
  // a stolen token alone can neither add its holder's passkey nor strip the person's own.
  const recentProof = { auth: { stepUp: { maxAge: services.config.stepUpMaxAgeSeconds } } } as const
  const passkeysOn = (): void => {
    if (!services.passkeys.available) throw new ApiError(404, 'not_found', 'Passkeys are off: the site is served on an IP address, which WebAuthn cannot use.')
  }

  app.post(
    '/me/passkeys/options',
    {
      config: { ...recentProof, openWhileRestricted: OPEN_WHILE_RESTRICTED.enrolment },
      schema: { tags: ['account'], summary: 'Begin adding a passkey (needs a recent sign-in or step-up)', response: { 200: PasskeyCreationOptions, ...errorResponses(401, 404) } },
    },
    async (request) => {
      passkeysOn()
      const user = await me(request)
      return writeAsActor(request, (tx) => services.passkeys.creationOptions(user, tx))
    },
  )

  app.post(
    '/me/passkeys',
    {
      config: { auth: 'required', openWhileRestricted: OPEN_WHILE_RESTRICTED.enrolment },
      schema: {
        tags: ['account'],
        summary: "Store a passkey from the browser's registration response",
        body: PasskeyAddRequest,
        response: { 200: PasskeyAdded, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      passkeysOn()
      const user = await me(request)
      // Before the challenge is taken: a revoked session uses up nothing.
      await confirmActorLive(request)
      const verified = await services.passkeys.verifyRegistration(user, request.body.response)
      if (!verified) {
        await services.audit.record(request, 'second_factor_failed', { userId: user.id, username: user.username, detail: { reason: 'passkey_not_verified' } })
        throw new ApiError(403, 'invalid_passkey')
      }
      const name = request.body.name.trim()
      const createdAt = services.clock()
      const added = await writeAsActor(request, (tx) => sf.addPasskey({ ...verified, name, createdAt }, tx))
      if (!added) throw new ApiError(409, 'conflict', 'This passkey is already registered.')
      // Whether the account has a second factor is part of the cached session view (MFA_REQUIRED).
      await services.sessions.invalidate({ userIds: [user.id] })
      await services.audit.record(request, 'passkey_added', { userId: user.id, username: user.username, detail: { reason: 'passkey_named', params: { name } } })
      return { passkey: toPasskeySummary({ id: added.id, name, createdAt, lastUsedAt: null }), recoveryCodes: added.recoveryCodes }
    },
  )

  app.patch(
    '/me/passkeys/:id',
    {
      config: { auth: 'required' },
      schema: {
        tags: ['account'],
        summary: 'Rename a passkey',
        params: PasskeyIdParams,
        body: PasskeyRenameRequest,
        response: { 204: { type: 'null' }, ...errorResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const { id: userId, username } = currentUser(request)
      const name = request.body.name.trim()
      const renamed = await writeAsActor(request, (tx) => sf.passkeys.rename(userId, Number(request.params.id), name, tx))
      if (!renamed) throw new ApiError(404, 'not_found', 'No such passkey.')
      await services.audit.record(request, 'passkey_renamed', { userId, username, detail: { reason: 'passkey_named', params: { name } } })
      return reply.code(204).send(null)
    },
  )

  app.delete(
    '/me/passkeys/:id',
    {
      config: recentProof,
      schema: { tags: ['account'], summary: 'Remove a passkey (needs a recent step-up)', params: PasskeyIdParams, response: { 204: { type: 'null' }, ...errorResponses(400, 401, 404) } },
    },
    async (request, reply) => {
      const { id: userId, username } = currentUser(request)
      const removed = await writeAsActor(request, async (tx) => {
        const passkey = (await sf.passkeys.listByUser(userId, tx)).find((p) => p.id === Number(request.params.id))
        return passkey && (await sf.removePasskey(userId, passkey.id, tx)) ? passkey : undefined
      })
      if (!removed) throw new ApiError(404, 'not_found', 'No such passkey.')
      // Whether the account has a second factor is part of the cached session view (MFA_REQUIRED).
      await services.sessions.invalidate({ userIds: [userId] })
      await services.audit.record(request, 'passkey_removed', { userId, username, detail: { reason: 'passkey_named', params: { name: removed.name } } })
      return reply.code(204).send(null)
    },
  )
}
