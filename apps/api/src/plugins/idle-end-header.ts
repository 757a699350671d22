import fp from 'fastify-plugin'
import { SESSION_IDLE_ENDS_IN_HEADER } from '@tokenauth/shared'
import type { Clock } from '../clock.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** When the authenticating session ends for inactivity (ms since the epoch); 0 when no session did. */
    sessionIdleEndsAt: number
  }
}

/**
 * Tells the client, on every answer a session authenticated, how long until that session
 * ends for inactivity (`SESSION_IDLE_ENDS_IN_HEADER`), so its idle countdown follows the
 * server's idle clock instead of guessing it: that clock moves at most once a minute.
 * @see https://fastify.dev/docs/latest/Reference/Hooks/#onsend
 */
export default fp<{ clock: Clock }>(
  async (app, { clock }) => {
    app.decorateRequest('sessionIdleEndsAt', 0)
    app.addHook('onSend', (request, reply, payload, done) => {
      if (request.sessionIdleEndsAt > 0) reply.header(SESSION_IDLE_ENDS_IN_HEADER, String(Math.max(0, request.sessionIdleEndsAt - clock())))
      done(null, payload)
    })
  },
  { name: 'idle-end-header' },
)
