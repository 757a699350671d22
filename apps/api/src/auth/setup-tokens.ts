import { randomBytes } from 'node:crypto'
import { createTokenSigner, KeyRing, type SigningKey } from '@tokenauth/signer'
import type { Clock } from '../clock.js'
import type { Db } from '../store/database.js'

/** Setup links are another kind of token: their own audience and `typ`, one hour, single use. */
export const SETUP_TOKEN_AUDIENCE = 'tokenauth:setup'
export const SETUP_TOKEN_TYPE = 'setup+jwt'
export const SETUP_TOKEN_TTL_SECONDS = 3600

export type SetupRedeemResult<T> = { ok: true; value: T } | { ok: false; reason: 'invalid' | 'used' | 'complete' }

/** One-time tokens for the first-admin setup link. */
export class SetupTokens {
  readonly #signer
  readonly #db
  readonly #clock

  constructor(db: Db, keys: readonly SigningKey[], clock: Clock) {
    this.#db = db
    this.#clock = clock
    this.#signer = createTokenSigner({
      keys: new KeyRing([...keys]),
      audience: SETUP_TOKEN_AUDIENCE,
      type: SETUP_TOKEN_TYPE,
      ttlSeconds: SETUP_TOKEN_TTL_SECONDS,
      now: clock,
      cacheSize: 0,
    })
  }

  /** Signs a new setup token and records its nonce as unused. */
  async issue(): Promise<string> {
    const nonce = randomBytes(16).toString('base64url')
    const { token, expiresAt } = await this.#signer.sign({ sub: 'setup', sid: nonce })
    this.#db.prepare('INSERT INTO setup_tokens (nonce, expires_at) VALUES (?, ?)').run(nonce, expiresAt.getTime())
    return token
  }

  /** The token's nonce when its signature, audience and expiry hold; else undefined. */
  async check(token: string): Promise<string | undefined> {
    const result = await this.#signer.verify(token)
    return result.ok ? result.payload.sid : undefined
  }

  /**
   * Marks the nonce used and runs `create` in one transaction, only while no user exists:
   * two requests racing with the same link cannot both create an admin.
   */
  redeem<T>(nonce: string, create: () => T): SetupRedeemResult<T> {
    const now = this.#clock()
    return this.#db.transaction((): SetupRedeemResult<T> => {
      const users = this.#db.prepare('SELECT count(*) AS n FROM users').get() as { n: number }
      if (users.n > 0) return { ok: false, reason: 'complete' }
      const marked = this.#db
        .prepare('UPDATE setup_tokens SET used_at = ? WHERE nonce = ? AND used_at IS NULL AND expires_at > ?')
        .run(now, nonce, now)
      if (marked.changes === 0) return { ok: false, reason: 'used' }
      return { ok: true, value: create() }
    }).immediate()
  }
}
