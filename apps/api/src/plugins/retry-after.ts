import fp from 'fastify-plugin'
import { RetryLaterError } from '../http/retry-later-error.js'

/**
 * Adds `Retry-After` to the answer of a `RetryLaterError` (a throttled sign-in, a full
 * password-hash queue). `onError` runs before the error handler shapes the body, and is
 * the hook meant for adding headers to an error answer.
 * @see https://fastify.dev/docs/latest/Reference/Hooks/#onerror
 */
export default fp(
  async (app) => {
    app.addHook('onError', async (_request, reply, error) => {
      if (error instanceof RetryLaterError) reply.header('retry-after', String(error.retryAfterSeconds))
    })
  },
  { name: 'retry-after' },
)
