import { CreateUserRequest, EndedSessions, ResetPasswordRequest, SetRolesRequest, UserIdParams, UserList, UserSummary } from '@tokenauth/shared'
import { currentUser } from '@tokenauth/fastify-token-auth'
import type { FastifyRequest } from 'fastify'
import type { App } from '../http/app-instance.js'
import { ApiError } from '../http/api-error.js'
import { errorResponses } from '../http/schemas.js'
import { checkNewPassword } from '../auth/password-policy.js'
import { LAST_ADMIN, UsernameTakenError, type UserRecord } from '../store/user-store.js'
import { whileSessionLive } from '../auth/while-session-live.js'

/**
 * `/api/users` (role `admin`): list, create and delete accounts, change their roles,
 * disable and enable them, end their sessions, reset their password. Disabling,
 * resetting or deleting ends the user's sessions at once; the last admin who can sign in
 * cannot be disabled, demoted or deleted (409), so the site always keeps one.
 */
export default async function userRoutes(app: App): Promise<void> {
  const { services } = app
  const rule = { auth: { roles: { anyOf: ['admin'] } } } as const
  const tags = ['users']
  const idleMs = services.config.sessionIdleTimeoutSeconds * 1000

  const target = async (id: string): Promise<UserRecord> => {
    const user = await services.users.findById(Number(id))
    if (!user) throw new ApiError(404, 'not_found', 'No such user.')
    return user
  }
  const subject = (user: UserRecord, detail: string) => ({ userId: user.id, username: user.username, detail })
  const summary = (user: UserRecord, sessions: number): UserSummary => ({
    id: user.id,
    username: user.username,
    roles: [...user.roles],
    disabled: user.disabled,
    createdAt: new Date(user.createdAt).toISOString(),
    sessions,
  })

  /** The acting admin's own password, checked under the sign-in throttle (no password oracle). */
  const confirmActingAdmin = async (request: FastifyRequest, actorId: number, password: string | undefined): Promise<void> => {
    const actor = await services.users.findById(actorId)
    if (!actor) throw new ApiError(401, 'revoked_token')
    if (password === undefined) {
      throw new ApiError(403, 'invalid_credentials', "Resetting another admin's password needs your own password (adminPassword).")
    }
    const ok = await services.loginThrottle.guard(request.ip, actor.username, () => services.passwords.verify(actor.passwordHash, password), (valid) => valid)
    if (!ok) {
      await services.audit.record(request, 'login_failed', { userId: actor.id, username: actor.username, detail: 'wrong own password on an admin password reset' })
      throw new ApiError(403, 'invalid_credentials', 'Your password is not correct.')
    }
  }

  app.get('/users', { config: rule, schema: { tags, response: { 200: UserList, ...errorResponses(401, 403) } } }, async () => {
    const counts = await services.sessions.liveCountsByUser(services.clock(), idleMs)
    return {
      users: (await services.users.list()).map((user) => summary(user, counts.get(user.id) ?? 0)),
    }
  })

  app.post(
    '/users',
    { config: rule, schema: { tags, body: CreateUserRequest, response: { 201: UserSummary, ...errorResponses(400, 401, 403, 409) } } },
    async (request, reply) => {
      const { username, password, roles } = request.body
      const check = checkNewPassword(password, { username })
      if (!check.ok) throw new ApiError(400, 'invalid_password', check.message)
      const passwordHash = await services.passwords.hash(password)
      let user: UserRecord
      try {
        user = await services.users.create({ username, passwordHash, roles, createdAt: services.clock() })
      } catch (error) {
        if (error instanceof UsernameTakenError) throw new ApiError(409, 'conflict', 'This username is taken.')
        throw error
      }
      const detail = `by ${currentUser(request).username}; roles: ${roles.length ? roles.join(', ') : 'none'}`
      await services.audit.record(request, 'user_created', subject(user, detail))
      return reply.code(201).send(summary(user, 0))
    },
  )

  app.put(
    '/users/:id/roles',
    {
      config: rule,
      schema: { tags, params: UserIdParams, body: SetRolesRequest, response: { 200: UserSummary, ...errorResponses(400, 401, 403, 404, 409) } },
    },
    async (request) => {
      const user = await target(request.params.id)
      const { roles } = request.body
      const changed = await services.users.guardLastAdmin(user.id, !roles.includes('admin'), (q) => services.users.setRoles(user.id, roles, q))
      if (changed === LAST_ADMIN) {
        throw new ApiError(409, 'conflict', 'This is the last admin who can sign in; it cannot lose the admin role.')
      }
      const detail = `by ${currentUser(request).username}; ${user.roles.join(', ') || 'none'} → ${roles.join(', ') || 'none'}`
      await services.audit.record(request, 'user_roles_changed', subject(user, detail))
      const counts = await services.sessions.liveCountsByUser(services.clock(), idleMs)
      return summary({ ...user, roles }, counts.get(user.id) ?? 0)
    },
  )

  app.delete(
    '/users/:id',
    { config: rule, schema: { tags, params: UserIdParams, response: { 204: { type: 'null' }, ...errorResponses(401, 403, 404, 409) } } },
    async (request, reply) => {
      const user = await target(request.params.id)
      // Its sessions and notes go with it (foreign keys cascade); the audit log keeps the name.
      const removed = await services.users.guardLastAdmin(user.id, true, (q) => services.users.removeById(user.id, q))
      if (removed === LAST_ADMIN) throw new ApiError(409, 'conflict', 'This is the last admin who can sign in; it cannot be deleted.')
      await services.audit.record(request, 'user_deleted', subject(user, `by ${currentUser(request).username}`))
      return reply.code(204).send(null)
    },
  )

  app.post(
    '/users/:id/disable',
    { config: rule, schema: { tags, params: UserIdParams, response: { 200: EndedSessions, ...errorResponses(401, 403, 404, 409) } } },
    async (request) => {
      const user = await target(request.params.id)
      const ended = await services.users.guardLastAdmin(user.id, true, async (q) => {
        await services.users.setDisabled(user.id, true, q)
        return services.sessions.deleteByUser(user.id, '', q)
      })
      if (ended === LAST_ADMIN) throw new ApiError(409, 'conflict', 'This is the last admin who can sign in; it cannot be disabled.')
      services.metrics.sessionsEnded('user_disabled', ended)
      await services.audit.record(request, 'user_disabled', subject(user, `by ${currentUser(request).username}; ${ended} sessions ended`))
      return { ended }
    },
  )

  app.post(
    '/users/:id/enable',
    { config: rule, schema: { tags, params: UserIdParams, response: { 204: { type: 'null' }, ...errorResponses(401, 403, 404) } } },
    async (request, reply) => {
      const user = await target(request.params.id)
      await services.users.setDisabled(user.id, false)
      await services.audit.record(request, 'user_enabled', subject(user, `by ${currentUser(request).username}`))
      return reply.code(204).send(null)
    },
  )

  app.delete(
    '/users/:id/sessions',
    { config: rule, schema: { tags, params: UserIdParams, response: { 200: EndedSessions, ...errorResponses(401, 403, 404) } } },
    async (request) => {
      const user = await target(request.params.id)
      const ended = await services.sessions.deleteByUser(user.id)
      services.metrics.sessionsEnded('revoked_by_admin', ended)
      await services.audit.record(request, 'session_ended', subject(user, `all ${ended} sessions, by admin ${currentUser(request).username}`))
      return { ended }
    },
  )

  app.post(
    '/users/:id/password',
    {
      config: rule,
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
      if (user.roles.includes('admin')) await confirmActingAdmin(request, actor.id, request.body.adminPassword)
      const check = checkNewPassword(request.body.newPassword, { username: user.username })
      if (!check.ok) throw new ApiError(400, 'invalid_password', check.message)
      const passwordHash = await services.passwords.hash(request.body.newPassword)
      const ended = await whileSessionLive(services, actor.sessionId, async (q) => {
        await services.users.setPasswordHash(user.id, passwordHash, q)
        return services.sessions.deleteByUser(user.id, '', q)
      }, user.id)
      services.metrics.sessionsEnded('password_reset', ended)
      await services.audit.record(request, 'password_reset', subject(user, `by admin ${actor.username}; ${ended} sessions ended`))
      return { ended }
    },
  )
}
