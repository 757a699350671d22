import type { Engine } from './engine.js'
import type { Queryable } from './tables.js'
import type { WriteTransaction } from './write-transaction.js'

/** A sign-in that passed its password and waits for a second factor. */
export interface SignInChallengeRecord {
  readonly idHash: string
  readonly userId: number
  readonly credentialStamp: string
  readonly remember: boolean
  readonly failures: number
  readonly expiresAt: number
}

/**
 * Pending second steps of sign-in, in the database so that the step begun on one
 * instance finishes on any other. The client holds the challenge; the table only its hash.
 */
export class SignInChallengeStore {
  readonly #engine: Engine

  constructor(engine: Engine) {
    this.#engine = engine
  }

  async create(challenge: Omit<SignInChallengeRecord, 'failures'>, tx: WriteTransaction): Promise<void> {
    await tx
      .insertInto('sign_in_challenges')
      .values({
        id_hash: challenge.idHash,
        user_id: challenge.userId,
        credential_stamp: challenge.credentialStamp,
        remember: challenge.remember ? 1 : 0,
        expires_at: challenge.expiresAt,
      })
      .execute()
  }

  async find(idHash: string, q: Queryable = this.#engine.db): Promise<SignInChallengeRecord | undefined> {
    const row = await q.selectFrom('sign_in_challenges').selectAll().where('id_hash', '=', idHash).executeTakeFirst()
    return (
      row && {
        idHash: row.id_hash,
        userId: row.user_id,
        credentialStamp: row.credential_stamp,
        remember: row.remember !== 0,
        failures: row.failures,
        expiresAt: row.expires_at,
      }
    )
  }

  /** Counts a wrong code against the challenge; at `maxFailures` it is gone (the password must be typed again). */
  async recordFailure(idHash: string, maxFailures: number, tx: WriteTransaction): Promise<void> {
    await tx.updateTable('sign_in_challenges').set((eb) => ({ failures: eb('failures', '+', 1) })).where('id_hash', '=', idHash).execute()
    await tx.deleteFrom('sign_in_challenges').where('id_hash', '=', idHash).where('failures', '>=', maxFailures).execute()
  }

  /** Uses the challenge up; false when another request already did (single use). */
  async consume(idHash: string, tx: WriteTransaction): Promise<boolean> {
    const result = await tx.deleteFrom('sign_in_challenges').where('id_hash', '=', idHash).executeTakeFirst()
    return result.numDeletedRows > 0n
  }

  /** Voids every pending sign-in of the user (a factor turned off, a password changed). */
  async removeForUser(userId: number, tx: WriteTransaction): Promise<void> {
    await tx.deleteFrom('sign_in_challenges').where('user_id', '=', userId).execute()
  }

  /** Housekeeping: forgets challenges past their time; how many. */
  async removeExpired(now: number, tx: WriteTransaction): Promise<number> {
    const result = await tx.deleteFrom('sign_in_challenges').where('expires_at', '<=', now).executeTakeFirst()
    return Number(result.numDeletedRows)
  }
}
