import { type AuditDetail, CreateUserRequest, EndedSessions, ResetPasswordRequest, SetRolesRequest, UserIdParams, UserList, UserSummary } from '@tokenauth/shared'
import { currentUser } from '@tokenauth/fastify-token-auth'
import type { App } from '../http/app-instance.js'
import { ApiError } from '../http/api-error.js'
import { errorResponses } from '../http/schemas.js'
import { checkNewPassword } from '../auth/password-policy.js'
import { UsernameTakenError, type UserRecord } from '../store/user-store.js'
import { LOCK_KEYS, type WriteOptions } from '../store/write-transaction.js'
import { writeAsActor } from '../auth/acting-write.js'

/**
 * `/api/users` (role `admin`): list, create and delete accounts, change their roles,
 * disable and enable them, end their sessions, reset their password or their second
 * factors. Disabling, resetting or deleting ends the user's sessions at once; the last
 * admin who can sign in cannot be disabled, demoted or deleted (409), so the site always
 * keeps one. Every write needs a proof within `STEP_UP_MAX_AGE` (step-up): a stolen
 * admin token alone can neither make a backdoor admin nor shut the real admins out.
 */
export default async function userRoutes(app: App): Promise<void> {
  const { services } = app
  const rule = { auth: { roles: { anyOf: ['admin'] } }, permission: 'users.read' } as const
  const writeRule = { auth: { roles: { anyOf: ['admin'] }, stepUp: { maxAge: services.config.stepUpMaxAgeSeconds } }, permission: 'users.write' } as const
  const tags = ['users']
  const idleMs = services.config.sessionIdleTimeoutSeconds * 1000

  const target = async (id: string): Promise<UserRecord> => {
    const user = await services.users.findById(Number(id))
    if (!user) throw new ApiError(404, 'not_found', 'No such user.')
    return user
  }
  const subject = (user: UserRecord, detail: AuditDetail) => ({ userId: user.id, username: user.username, detail })
  const summary = (user: UserRecord, sessions: number): UserSummary => ({
    id: user.id,
    username: user.username,
    roles: [...user.roles],
    disabled: user.disabled,
    createdAt: new Date(user.createdAt).toISOString(),
    sessions,
  })

  /**
   * Every change to the accounts takes the admins lock first: the last-admin check holds
   * while it runs, and two admins acting on each other run one after the other.
   */
  const adminsLock: WriteOptions = { locks: [LOCK_KEYS.admins] }
  const lastAdmin = (words: string) => new ApiError(409, 'conflict', `This is the last admin who can sign in; ${words}.`)

  app.get('/users', { config: rule, schema: { tags, response: { 200: UserList, ...errorResponses(401, 403) } } }, async () => {
    const counts = await services.sessions.liveCountsByUser(services.clock(), idleMs)
    return {
      users: (await services.users.list()).map((user) => summary(user, counts.get(user.id) ?? 0)),
    }
  })

  app.post(
    '/users',
    { config: writeRule, schema: { tags, body: CreateUserRequest, response: { 201: UserSummary, ...errorResponses(400, 401, 403, 409, 429, 503) } } },
    async (request, reply) => {
      const { username, password, roles, mustChangePassword = false } = request.body
      const check = checkNewPassword(password, { username })
      if (!check.ok) throw new ApiError(400, 'invalid_password', check.message)
      const passwordHash = await services.passwords.hash(password)
      let user: UserRecord
      try {
        user = await writeAsActor(request, (tx) => services.users.create({ username, passwordHash, roles, createdAt: services.clock(), mustChangePassword }, tx), adminsLock)
      } catch (error) {
        if (error instanceof UsernameTakenError) throw new ApiError(409, 'conflict', 'This username is taken.')
        throw error
      }
      await services.audit.record(request, 'user_created', subject(user, { reason: mustChangePassword ? 'created_by_admin_must_change' : 'created_by_admin', params: { actor: currentUser(request).username, roles: [...roles] } }))
      return reply.code(201).send(summary(user, 0))
    },
  )

  app.put(
    '/users/:id/roles',
    {
      config: writeRule,
      schema: { tags, params: UserIdParams, body: SetRolesRequest, response: { 200: UserSummary, ...errorResponses(400, 401, 403, 404, 409, 429, 503) } },
    },
    async (request) => {
      const user = await target(request.params.id)
      const { roles } = request.body
      const changed = await writeAsActor(request, async (tx) => {
        if (!roles.includes('admin') && (await services.users.isLastAdmin(user.id, tx))) return false
        await services.users.setRoles(user.id, roles, tx)
        return true
      }, adminsLock)
      if (!changed) throw lastAdmin('it cannot lose the admin role')
      await services.sessions.invalidate({ userIds: [user.id] })
      const detail: AuditDetail = { reason: 'roles_changed_by_admin', params: { actor: currentUser(request).username, from: [...user.roles], to: [...roles] } }
      await services.audit.record(request, 'user_roles_changed', subject(user, detail))
      const counts = await services.sessions.liveCountsByUser(services.clock(), idleMs)
      return summary({ ...user, roles }, counts.get(user.id) ?? 0)
    },
  )

  app.delete(
    '/users/:id',
    {
      config: writeRule,
      schema: { tags, params: UserIdParams, response: { 204: { type: 'null' }, ...errorResponses(401, 403, 404, 409, 429, 503) } },
    },
    async (request, reply) => {
      const user = await target(request.params.id)
      // Its sessions and notes go with it (foreign keys cascade); the audit log keeps the name.
      const removed = await writeAsActor(request, async (tx) => {
        if (await services.users.isLastAdmin(user.id, tx)) return false
        await services.users.removeById(user.id, tx)
        return true
      }, adminsLock)
      if (!removed) throw lastAdmin('it cannot be deleted')
      await services.sessions.invalidate({ userIds: [user.id] })
      await services.audit.record(request, 'user_deleted', subject(user, { reason: 'by_admin', params: { actor: currentUser(request).username } }))
      return reply.code(204).send(null)
    },
  )

  app.post(
    '/users/:id/disable',
    {
      config: writeRule,
      schema: { tags, params: UserIdParams, response: { 200: EndedSessions, ...errorResponses(401, 403, 404, 409, 429, 503) } },
    },
    async (request) => {
      const user = await target(request.params.id)
      const ended = await writeAsActor(request, async (tx) => {
        if (await services.users.isLastAdmin(user.id, tx)) return undefined
        await services.users.setDisabled(user.id, true, tx)
        return services.sessions.deleteByUser(user.id, '', tx)
      }, adminsLock)
      if (ended === undefined) throw lastAdmin('it cannot be disabled')
      await services.sessions.invalidate({ userIds: [user.id] })
      services.metrics.sessionsEnded('user_disabled', ended)
      await services.audit.record(request, 'user_disabled', subject(user, { reason: 'by_admin_sessions_ended', params: { actor: currentUser(request).username, count: ended } }))
      return { ended }
    },
  )

  app.post(
    '/users/:id/enable',
    {
      config: writeRule,
      schema: { tags, params: UserIdParams, response: { 204: { type: 'null' }, ...errorResponses(401, 403, 404, 429, 503) } },
    },
    async (request, reply) => {
      const user = await target(request.params.id)
      await writeAsActor(request, (tx) => services.users.setDisabled(user.id, false, tx), adminsLock)
      // Not narrowing, but no instance should keep a copy that says "disabled".
      await services.sessions.invalidate({ userIds: [user.id] })
      await services.audit.record(request, 'user_enabled', subject(user, { reason: 'by_admin', params: { actor: currentUser(request).username } }))
      return reply.code(204).send(null)
    },
  )

  app.delete(
    '/users/:id/sessions',
    {
      config: writeRule,
      schema: { tags, params: UserIdParams, response: { 200: EndedSessions, ...errorResponses(401, 403, 404, 429, 503) } },
    },
    async (request) => {
      const user = await target(request.params.id)
      const ended = await writeAsActor(request, (tx) => services.sessions.deleteByUser(user.id, '', tx), adminsLock)
      await services.sessions.invalidate({ userIds: [user.id] })
      services.metrics.sessionsEnded('revoked_by_admin', ended)
      await services.audit.record(request, 'session_ended', subject(user, { reason: 'all_ended_by_admin', params: { actor: currentUser(request).username, count: ended } }))
      return { ended }
    },
  )

  app.post(
    '/users/:id/password',
    {
      config: writeRule,
      schema: {
        tags,
        params: UserIdParams,
        body: ResetPasswordRequest,
        response: { 200: EndedSessions, ...errorResponses(400, 401, 403, 404, 409, 429, 503) },
      },
    },
    async (request) => {
      const actor = currentUser(request)
      const user = await target(request.params.id)
      // Without this, a stolen 15-minute admin token would set a password the owner does not know.
      if (user.id === actor.id) {
        throw new ApiError(409, 'conflict', 'Change your own password with POST /api/me/password; it needs your current password.')
      }
      const check = checkNewPassword(request.body.newPassword, { username: user.username })
      if (!check.ok) throw new ApiError(400, 'invalid_password', check.message)
      const passwordHash = await services.passwords.hash(request.body.newPassword)
      const ended = await writeAsActor(request, async (tx) => {
        await services.users.setPasswordHash(user.id, passwordHash, tx)
        // Set or cleared with the password: the flag speaks of this password only.
        await services.users.setMustChangePassword(user.id, request.body.mustChangePassword === true, tx)
        return services.sessions.deleteByUser(user.id, '', tx)
      }, { locks: [LOCK_KEYS.admins, [LOCK_KEYS.userCredentials, user.id]] })
      await services.sessions.invalidate({ userIds: [user.id] })
      services.metrics.sessionsEnded('password_reset', ended)
      await services.audit.record(request, 'password_reset', subject(user, { reason: request.body.mustChangePassword === true ? 'by_admin_must_change' : 'by_admin_sessions_ended', params: { actor: actor.username, count: ended } }))
      return { ended }
    },
  )

  app.delete(
    '/users/:id/second-factors',
    {
      config: writeRule,
      schema: {
        tags,
        summary: "Reset a person's second factors: they enrol again",
        params: UserIdParams,
        response: { 204: { type: 'null' }, ...errorResponses(401, 403, 404, 503) },
      },
    },
    async (request, reply) => {
      const user = await target(request.params.id)
      // A person who lost every factor: the app, the passkeys, the recovery codes and any pending sign-in go.
      const removed = await writeAsActor(request, (tx) => services.secondFactors.resetAll(user.id, tx), { locks: [LOCK_KEYS.admins, [LOCK_KEYS.userCredentials, user.id]] })
      // Whether the account has a second factor is part of the cached session view (MFA_REQUIRED).
      await services.sessions.invalidate({ userIds: [user.id] })
      // Idempotent: none left either way; only a removal is an event.
      if (removed) await services.audit.record(request, 'second_factors_reset', subject(user, { reason: 'second_factors_reset_by_admin', params: { actor: currentUser(request).username } }))
      return reply.code(204).send(null)
    },
  )
}
