import type { WriteTransaction } from './write-transaction.js'

/** What a WebAuthn challenge was made for: a response answers only its own ceremony. */
export type WebauthnPurpose = 'register' | 'sign_in' | 'second_factor' | 'step_up'

/** A challenge waiting for its ceremony's response. */
export interface WebauthnChallengeRecord {
  readonly challengeHash: string
  readonly purpose: WebauthnPurpose
  /** The account the ceremony is for; null for a discoverable sign-in (the passkey names it). */
  readonly userId: number | null
  readonly expiresAt: number
}

/**
 * WebAuthn challenges, in the database so that a ceremony begun on one instance finishes
 * on any other. The table keeps a hash only; taking one deletes it, so each is single-use.
 */
export class WebauthnChallengeStore {
  async create(challenge: WebauthnChallengeRecord, tx: WriteTransaction): Promise<void> {
    await tx
      .insertInto('webauthn_challenges')
      .values({ challenge_hash: challenge.challengeHash, purpose: challenge.purpose, user_id: challenge.userId, expires_at: challenge.expiresAt })
      .execute()
  }

  /**
   * Uses the challenge up when it was made for `purpose` (and `userId`, where given) and
   * has not expired at `now`; false otherwise. A challenge of another purpose is left alone.
   */
  async take(challengeHash: string, purpose: WebauthnPurpose, userId: number | null, now: number, tx: WriteTransaction): Promise<boolean> {
    let query = tx
      .deleteFrom('webauthn_challenges')
      .where('challenge_hash', '=', challengeHash)
      .where('purpose', '=', purpose)
      .where('expires_at', '>', now)
    query = userId === null ? query.where('user_id', 'is', null) : query.where('user_id', '=', userId)
    const result = await query.executeTakeFirst()
    return result.numDeletedRows > 0n
  }

  /** Voids every pending ceremony of the user (a passkey removed, the account's factors reset). */
  async removeForUser(userId: number, tx: WriteTransaction): Promise<void> {
    await tx.deleteFrom('webauthn_challenges').where('user_id', '=', userId).execute()
  }

  /** Housekeeping: forgets challenges past their time; how many. */
  async removeExpired(now: number, tx: WriteTransaction): Promise<number> {
    const result = await tx.deleteFrom('webauthn_challenges').where('expires_at', '<=', now).executeTakeFirst()
    return Number(result.numDeletedRows)
  }
}
