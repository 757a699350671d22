import type { Engine } from './engine.js'
import type { Queryable } from './tables.js'
import type { WriteTransaction } from './write-transaction.js'

/** A person's authenticator-app factor; `secret` is sealed (see second-factor/data-keys.ts). */
export interface TotpFactorRecord {
  readonly userId: number
  readonly secret: string
  readonly createdAt: number
  /** Null while enrolment waits for its first valid code. */
  readonly enabledAt: number | null
  readonly lastUsedStep: number | null
}

/**
 * Authenticator-app factors, one per user, on either engine. Every code accepted moves
 * `last_used_step` forward in a conditional UPDATE, the same statement that accepts it:
 * of two requests (on any instance) with the same code, the database lets one through.
 */
export class TotpStore {
  readonly #engine: Engine

  constructor(engine: Engine) {
    this.#engine = engine
  }

  async find(userId: number, q: Queryable = this.#engine.db): Promise<TotpFactorRecord | undefined> {
    const row = await q.selectFrom('totp_factors').selectAll().where('user_id', '=', userId).executeTakeFirst()
    return row && { userId: row.user_id, secret: row.secret, createdAt: row.created_at, enabledAt: row.enabled_at, lastUsedStep: row.last_used_step }
  }

  /** Keeps a new, not yet enabled secret (replacing an earlier unfinished one); false when a factor is already on. */
  async beginEnrolment(userId: number, secret: string, now: number, tx: WriteTransaction): Promise<boolean> {
    const current = await this.find(userId, tx)
    if (current?.enabledAt != null) return false
    await tx.deleteFrom('totp_factors').where('user_id', '=', userId).execute()
    await tx.insertInto('totp_factors').values({ user_id: userId, secret, created_at: now, enabled_at: null, last_used_step: null }).execute()
    return true
  }

  /** Turns the pending factor on with the step of the code that confirmed it; false when there was none pending. */
  async enable(userId: number, step: number, now: number, tx: WriteTransaction): Promise<boolean> {
    const result = await tx
      .updateTable('totp_factors')
      .set({ enabled_at: now, last_used_step: step })
      .where('user_id', '=', userId)
      .where('enabled_at', 'is', null)
      .executeTakeFirst()
    return result.numUpdatedRows > 0n
  }

  /**
   * Accepts a code of `step` when the factor is on and no code of this step or a later one
   * was accepted before; `resealed` replaces the stored secret (sealed with the current
   * data key). False: replayed, or the factor is gone.
   */
  async acceptStep(userId: number, step: number, tx: WriteTransaction, resealed?: string): Promise<boolean> {
    const result = await tx
      .updateTable('totp_factors')
      .set({ last_used_step: step, ...(resealed === undefined ? {} : { secret: resealed }) })
      .where('user_id', '=', userId)
      .where('enabled_at', 'is not', null)
      .where((eb) => eb.or([eb('last_used_step', 'is', null), eb('last_used_step', '<', step)]))
      .executeTakeFirst()
    return result.numUpdatedRows > 0n
  }

  /** Removes the factor, on or pending; whether there was one. */
  async remove(userId: number, tx: WriteTransaction): Promise<boolean> {
    const result = await tx.deleteFrom('totp_factors').where('user_id', '=', userId).executeTakeFirst()
    return result.numDeletedRows > 0n
  }
}
