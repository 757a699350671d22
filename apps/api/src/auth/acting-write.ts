import { currentUser, routeRuleAdmits } from '@tokenauth/fastify-token-auth'
import type { FastifyRequest } from 'fastify'
import { TokenRefusal } from '../http/token-refusal.js'
import { ActorNotLiveError, inWriteTransaction, type WriteOptions, type WriteTransaction } from '../store/write-transaction.js'

/**
 * How a route with an auth rule writes: `work` runs in one write transaction that first
 * confirms, under the locks the write needs, that the request's session is still live,
 * its user not disabled, and the user's roles as they are now still those the route
 * needs. The plugin checked the token when the headers came and again after the body;
 * this closes the last gap, the handler's own wait (a password hash, a lock): a session
 * revoked meanwhile, on this instance or another, makes the request the plugin's own 401
 * `revoked_token` (a lost role its 403 `insufficient_role`), and nothing is written.
 */
export function writeAsActor<T>(request: FastifyRequest, work: (tx: WriteTransaction) => Promise<T>, options?: WriteOptions): Promise<T> {
  const actor = { handle: currentUser(request).sessionId, rolesAdmit: (roles: readonly string[]) => routeRuleAdmits(request, roles) }
  return inWriteTransaction(request.server.services.engine, actor, work, options).catch((error: unknown) => {
    if (!(error instanceof ActorNotLiveError)) throw error
    throw new TokenRefusal(error.reason === 'revoked' ? 'revoked_token' : 'insufficient_role')
  })
}

/**
 * For a handler whose effect is not in the database (a cookie in the reply): the same
 * check as `writeAsActor`, with nothing to write, right before it acts.
 */
export function confirmActorLive(request: FastifyRequest): Promise<void> {
  return writeAsActor(request, async () => undefined)
}
