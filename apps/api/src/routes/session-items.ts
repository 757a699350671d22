import {
  SESSION_ITEM_MAX_KEYS,
  SessionItem,
  SessionItemParams,
  SessionView,
  SetSessionItemRequest,
} from '@tokenauth/shared'
import type { App } from '../http/app-instance.js'
import { ApiError } from '../http/api-error.js'
import { errorResponses } from '../http/schemas.js'
import { currentUser } from '@tokenauth/fastify-token-auth'
import type { SessionRecord } from '../store/session-store.js'
import type { FastifyRequest } from 'fastify'
import { writeAsActor } from '../auth/acting-write.js'
import { TokenRefusal } from '../http/token-refusal.js'
import { OPEN_WHILE_RESTRICTED } from '../plugins/restricted-session.js'

/**
 * `/api/session/*`: the seed's Flask `session[...]`, made useful — see what the server
 * keeps for your session and set, read, remove one key or clear all. The session is the
 * one the token names; items live in its row and die with it.
 */
export default async function sessionItemRoutes(app: App): Promise<void> {
  const { services } = app
  const idleMs = services.config.sessionIdleTimeoutSeconds * 1000
  const rule = { auth: 'required' } as const
  const tags = ['session']

  const currentSession = async (request: FastifyRequest): Promise<SessionRecord> => {
    const session = await services.sessions.findByHandle(currentUser(request).sessionId)
    // The hook saw the session a moment ago; gone now means it was ended concurrently.
    if (!session) throw new TokenRefusal('revoked_token')
    return session
  }
  /** Reads the items and writes what `change` makes of them, in one write as the request's session. */
  const changeItems = (request: FastifyRequest, change: (items: Record<string, string>) => Record<string, string>): Promise<void> =>
    writeAsActor(request, async (tx) => {
      const { sessionId } = currentUser(request)
      // The acting session was found live a moment ago in this same transaction.
      const session = await services.sessions.findByHandle(sessionId, tx)
      if (!session) throw new TokenRefusal('revoked_token')
      await services.sessions.setItems(sessionId, change({ ...session.items }), tx)
    })

  app.get('/session', { config: { ...rule, openWhileRestricted: OPEN_WHILE_RESTRICTED.always }, schema: { tags, response: { 200: SessionView, ...errorResponses(401) } } }, async (request) => {
    const session = await currentSession(request)
    return {
      id: session.handle,
      userId: session.userId,
      createdAt: iso(session.createdAt),
      lastSeenAt: iso(session.lastSeenAt),
      idleExpiresAt: iso(Math.min(session.lastSeenAt + idleMs, session.absoluteExpiresAt)),
      absoluteExpiresAt: iso(session.absoluteExpiresAt),
      items: { ...session.items },
    }
  })

  app.get(
    '/session/items/:key',
    { config: rule, schema: { tags, params: SessionItemParams, response: { 200: SessionItem, ...errorResponses(401, 404) } } },
    async (request) => {
      const value = (await currentSession(request)).items[request.params.key]
      if (value === undefined) throw new ApiError(404, 'not_found', 'No such session item.')
      return { key: request.params.key, value }
    },
  )

  app.put(
    '/session/items/:key',
    {
      config: rule,
      schema: {
        tags,
        params: SessionItemParams,
        body: SetSessionItemRequest,
        response: { 200: SessionItem, ...errorResponses(400, 401, 409, 413, 415) },
      },
    },
    async (request) => {
      const { key } = request.params
      const { value } = request.body
      await changeItems(request, (items) => {
        const changed = { ...items, [key]: value }
        if (Object.keys(changed).length > SESSION_ITEM_MAX_KEYS) {
          throw new ApiError(409, 'conflict', `A session holds at most ${SESSION_ITEM_MAX_KEYS} items.`)
        }
        return changed
      })
      return { key, value }
    },
  )

  app.delete(
    '/session/items/:key',
    { config: rule, schema: { tags, params: SessionItemParams, response: { 204: { type: 'null' }, ...errorResponses(401, 404) } } },
    async (request, reply) => {
      await changeItems(request, (items) => {
        const { [request.params.key]: removed, ...rest } = items
        if (removed === undefined) throw new ApiError(404, 'not_found', 'No such session item.')
        return rest
      })
      return reply.code(204).send(null)
    },
  )

  app.delete(
    '/session/items',
    { config: rule, schema: { tags, response: { 204: { type: 'null' }, ...errorResponses(401) } } },
    async (request, reply) => {
      await changeItems(request, () => ({}))
      return reply.code(204).send(null)
    },
  )
}

function iso(ms: number): string {
  return new Date(ms).toISOString()
}
