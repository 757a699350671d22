import type { Engine } from './engine.js'
import type { Queryable } from './tables.js'
import type { WriteTransaction } from './write-transaction.js'

/** One unused recovery code: its row id and its salted hash. */
export interface StoredRecoveryCode {
  readonly id: number
  readonly codeHash: string
}

/** Recovery codes, kept hashed (see second-factor/recovery-codes.ts), on either engine. */
export class RecoveryCodeStore {
  readonly #engine: Engine

  constructor(engine: Engine) {
    this.#engine = engine
  }

  /** Replaces the user's set: every older code, used or not, is gone. */
  async replace(userId: number, codeHashes: readonly string[], now: number, tx: WriteTransaction): Promise<void> {
    await tx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute()
    if (codeHashes.length === 0) return
    await tx
      .insertInto('recovery_codes')
      .values(codeHashes.map((code_hash) => ({ user_id: userId, code_hash, created_at: now, used_at: null })))
      .execute()
  }

  async unused(userId: number, q: Queryable = this.#engine.db): Promise<StoredRecoveryCode[]> {
    const rows = await q.selectFrom('recovery_codes').select(['id', 'code_hash']).where('user_id', '=', userId).where('used_at', 'is', null).orderBy('id').execute()
    return rows.map((row) => ({ id: row.id, codeHash: row.code_hash }))
  }

  async countUnused(userId: number): Promise<number> {
    const row = await this.#engine.db
      .selectFrom('recovery_codes')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('user_id', '=', userId)
      .where('used_at', 'is', null)
      .executeTakeFirst()
    return Number(row?.n ?? 0)
  }

  /** Uses the code up; false when it was already used (by a request that won the race) or is gone. */
  async markUsed(id: number, now: number, tx: WriteTransaction): Promise<boolean> {
    const result = await tx.updateTable('recovery_codes').set({ used_at: now }).where('id', '=', id).where('used_at', 'is', null).executeTakeFirst()
    return result.numUpdatedRows > 0n
  }

  async removeAll(userId: number, tx: WriteTransaction): Promise<void> {
    await tx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute()
  }
}
