import { createTokenSigner, KeyRing, type SigningKey } from '@tokenauth/signer'
import type { Clock } from '../clock.js'

/** The audience (itsdangerous' salt) and JOSE `typ` of access tokens; other kinds differ. */
export const ACCESS_TOKEN_AUDIENCE = 'tokenauth:access'
export const ACCESS_TOKEN_TYPE = 'at+jwt'

export type AccessTokenSigner = ReturnType<typeof createTokenSigner>

/** The signer for access tokens: newest key signs, every key in the ring verifies. */
export function createAccessTokenSigner(keys: readonly SigningKey[], ttlSeconds: number, clock: Clock): AccessTokenSigner {
  return createTokenSigner({
    keys: new KeyRing([...keys]),
    audience: ACCESS_TOKEN_AUDIENCE,
    type: ACCESS_TOKEN_TYPE,
    ttlSeconds,
    now: clock,
  })
}
