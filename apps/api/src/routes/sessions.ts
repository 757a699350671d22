import { EndedSessions, SessionIdParams, SessionList } from '@tokenauth/shared'
import { currentUser } from '@tokenauth/fastify-token-auth'
import type { App } from '../http/app-instance.js'
import { ApiError } from '../http/api-error.js'
import { errorResponses } from '../http/schemas.js'
import { describeUserAgent } from '../auth/device.js'
import { sessionState } from '../auth/session-liveness.js'
import { writeAsActor } from '../auth/acting-write.js'

/**
 * `/api/sessions`: my devices. List them, end one, or end all but this one. Ending a
 * session deletes it, so every token of it is refused on its very next request.
 */
export default async function sessionRoutes(app: App): Promise<void> {
  const { services } = app
  const rule = { auth: 'required' } as const
  const tags = ['sessions']
  const idleMs = services.config.sessionIdleTimeoutSeconds * 1000

  app.get('/sessions', { config: rule, schema: { tags, response: { 200: SessionList, ...errorResponses(401) } } }, async (request) => {
    const me = currentUser(request)
    const now = services.clock()
    const sessions = (await services.sessions.listByUser(me.id))
      .filter((s) => sessionState({ ...s, disabled: false }, now, idleMs) === 'live')
      .map((s) => ({
        id: s.handle,
        client: describeUserAgent(s.userAgent),
        ip: s.ip,
        createdAt: new Date(s.createdAt).toISOString(),
        lastSeenAt: new Date(s.lastSeenAt).toISOString(),
        current: s.handle === me.sessionId,
      }))
    return { sessions }
  })

  app.delete(
    '/sessions/:id',
    { config: rule, schema: { tags, params: SessionIdParams, response: { 204: { type: 'null' }, ...errorResponses(401, 404) } } },
    async (request, reply) => {
      const me = currentUser(request)
      const session = await writeAsActor(request, async (tx) => {
        const found = await services.sessions.findByHandle(request.params.id, tx)
        // Someone else's session answers exactly like one that does not exist.
        if (!found || found.userId !== me.id) throw new ApiError(404, 'not_found', 'No such session.')
        await services.sessions.deleteByHandle(found.handle, tx)
        return found
      })
      await services.sessions.invalidate({ handles: [session.handle] })
      services.metrics.sessionsEnded('revoked')
      await services.audit.record(request, 'session_ended', {
        userId: me.id,
        username: me.username,
        secretRef: session.handle,
        detail: { reason: 'ended_by_user', params: { here: session.handle === me.sessionId } },
      })
      return reply.code(204).send(null)
    },
  )

  app.delete('/sessions', { config: rule, schema: { tags, response: { 200: EndedSessions, ...errorResponses(401) } } }, async (request) => {
    const me = currentUser(request)
    const ended = await writeAsActor(request, (tx) => services.sessions.deleteByUser(me.id, me.sessionId, tx))
    await services.sessions.invalidate({ userIds: [me.id] })
    services.metrics.sessionsEnded('revoked', ended)
    if (ended > 0) await services.audit.record(request, 'session_ended', { userId: me.id, username: me.username, detail: { reason: 'others_ended_by_user', params: { count: ended } } })
    return { ended }
  })
}
