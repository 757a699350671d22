import type { TokenAuthFailureCode } from '@tokenauth/fastify-token-auth'

/**
 * A refusal the token plugin would have given, found later by a handler (its actor's
 * session ended, or lost its role, while the request waited): answered with the plugin's
 * own status, challenge and body (`reply.refuseToken`), as if the hook had refused it.
 */
export class TokenRefusal extends Error {
  override name = 'TokenRefusal'
  constructor(readonly code: Extract<TokenAuthFailureCode, 'revoked_token' | 'insufficient_role'>) {
    super(code)
  }
}
