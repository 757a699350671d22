import { randomBytes } from 'node:crypto'
import { createTokenSigner, KeyRing, type SigningKey } from '@tokenauth/signer'
import type { Clock } from '../clock.js'
import type { Engine } from '../store/engine.js'
import { inWriteTransaction, LOCK_KEYS, NO_SESSION, type WriteTransaction } from '../store/write-transaction.js'

/** Setup links are another kind of token: their own audience and `typ`, one hour, single use. */
export const SETUP_TOKEN_AUDIENCE = 'tokenauth:setup'
export const SETUP_TOKEN_TYPE = 'setup+jwt'
export const SETUP_TOKEN_TTL_SECONDS = 3600

export type SetupRedeemResult<T> = { ok: true; value: T } | { ok: false; reason: 'invalid' | 'used' | 'complete' }

/** One-time tokens for the first-admin setup link. */
export class SetupTokens {
  readonly #signer
  readonly #db: Engine
  readonly #clock

  constructor(db: Engine, keys: readonly SigningKey[], clock: Clock) {
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
    await this.#db.db.insertInto('setup_tokens').values({ nonce, expires_at: expiresAt.getTime() }).execute()
    return token
  }

  /** The token's nonce when its signature, audience and expiry hold; else undefined. */
  async check(token: string): Promise<string | undefined> {
    const result = await this.#signer.verify(token)
    return result.ok ? result.payload.sid : undefined
  }

  /**
   * Marks the nonce used and runs `create` in one transaction, only while no user exists:
   * two requests racing with the same link (or two links, on two instances) cannot both
   * create an admin. SQLite's BEGIN IMMEDIATE, PostgreSQL's advisory lock: one at a time.
   */
  redeem<T>(nonce: string, create: (tx: WriteTransaction) => Promise<T>): Promise<SetupRedeemResult<T>> {
    const now = this.#clock()
    // No one is signed in yet: the link is the only credential, checked in here.
    return inWriteTransaction(this.#db, NO_SESSION, async (q): Promise<SetupRedeemResult<T>> => {
      const users = await q.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst()
      if (Number(users?.n ?? 0) > 0) return { ok: false, reason: 'complete' }
      const marked = await q
        .updateTable('setup_tokens')
        .set({ used_at: now })
        .where('nonce', '=', nonce)
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .executeTakeFirst()
      if (marked.numUpdatedRows === 0n) return { ok: false, reason: 'used' }
      return { ok: true, value: await create(q) }
    }, { locks: [LOCK_KEYS.setup] })
  }
}
