import type { Engine } from './engine.js'
import type { Queryable } from './tables.js'
import type { WriteTransaction } from './write-transaction.js'

/** One registered passkey (a WebAuthn credential) of a person. */
export interface PasskeyRecord {
  readonly id: number
  readonly userId: number
  /** base64url, as the browser reports it. */
  readonly credentialId: string
  /** The COSE public key, base64url. */
  readonly publicKey: string
  readonly counter: number
  readonly transports: readonly string[]
  readonly deviceType: 'singleDevice' | 'multiDevice'
  readonly backedUp: boolean
  readonly name: string
  readonly createdAt: number
  readonly lastUsedAt: number | null
}

export type NewPasskey = Omit<PasskeyRecord, 'id' | 'lastUsedAt'>

/** What a verified assertion changes on its passkey. */
export interface PasskeyUse {
  readonly counter: number
  readonly backedUp: boolean
  readonly deviceType: 'singleDevice' | 'multiDevice'
  readonly at: number
}

/** Passkeys, several per user, on either engine; a credential id belongs to one account only. */
export class PasskeyStore {
  readonly #engine: Engine

  constructor(engine: Engine) {
    this.#engine = engine
  }

  async listByUser(userId: number, q: Queryable = this.#engine.db): Promise<PasskeyRecord[]> {
    const rows = await q.selectFrom('passkeys').selectAll().where('user_id', '=', userId).orderBy('id').execute()
    return rows.map(toRecord)
  }

  async countByUser(userId: number, q: Queryable = this.#engine.db): Promise<number> {
    const row = await q
      .selectFrom('passkeys')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('user_id', '=', userId)
      .executeTakeFirst()
    return Number(row?.n ?? 0)
  }

  async findByCredentialId(credentialId: string, q: Queryable = this.#engine.db): Promise<PasskeyRecord | undefined> {
    const row = await q.selectFrom('passkeys').selectAll().where('credential_id', '=', credentialId).executeTakeFirst()
    return row && toRecord(row)
  }

  /** Stores a new passkey; false when its credential id is already registered (to anyone). */
  async add(passkey: NewPasskey, tx: WriteTransaction): Promise<number | undefined> {
    if (await this.findByCredentialId(passkey.credentialId, tx)) return undefined
    const row = await tx
      .insertInto('passkeys')
      .values({
        user_id: passkey.userId,
        credential_id: passkey.credentialId,
        public_key: passkey.publicKey,
        counter: passkey.counter,
        transports: JSON.stringify(passkey.transports),
        device_type: passkey.deviceType,
        backed_up: passkey.backedUp ? 1 : 0,
        name: passkey.name,
        created_at: passkey.createdAt,
        last_used_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    return Number(row.id)
  }

  /**
   * Records a verified use. The counter only moves forward (or stays 0 for authenticators
   * that do not count): of two assertions racing with the same counter, one lands.
   */
  async recordUse(id: number, previousCounter: number, use: PasskeyUse, tx: WriteTransaction): Promise<boolean> {
    const result = await tx
      .updateTable('passkeys')
      .set({ counter: use.counter, backed_up: use.backedUp ? 1 : 0, device_type: use.deviceType, last_used_at: use.at })
      .where('id', '=', id)
      .where('counter', '=', previousCounter)
      .executeTakeFirst()
    return result.numUpdatedRows > 0n
  }

  async rename(userId: number, id: number, name: string, tx: WriteTransaction): Promise<boolean> {
    const result = await tx.updateTable('passkeys').set({ name }).where('id', '=', id).where('user_id', '=', userId).executeTakeFirst()
    return result.numUpdatedRows > 0n
  }

  async remove(userId: number, id: number, tx: WriteTransaction): Promise<boolean> {
    const result = await tx.deleteFrom('passkeys').where('id', '=', id).where('user_id', '=', userId).executeTakeFirst()
    return result.numDeletedRows > 0n
  }

  /** Every passkey of the account; how many there were. */
  async removeAllOf(userId: number, tx: WriteTransaction): Promise<number> {
    const result = await tx.deleteFrom('passkeys').where('user_id', '=', userId).executeTakeFirst()
    return Number(result.numDeletedRows)
  }
}

function toRecord(row: {
  id: number
  user_id: number
  credential_id: string
  public_key: string
  counter: number
  transports: string
  device_type: string
  backed_up: number
  name: string
  created_at: number
  last_used_at: number | null
}): PasskeyRecord {
  return {
    id: Number(row.id),
    userId: Number(row.user_id),
    credentialId: row.credential_id,
    publicKey: row.public_key,
    counter: Number(row.counter),
    transports: parseTransports(row.transports),
    deviceType: row.device_type === 'multiDevice' ? 'multiDevice' : 'singleDevice',
    backedUp: row.backed_up !== 0,
    name: row.name,
    createdAt: Number(row.created_at),
    lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at),
  }
}

function parseTransports(text: string): string[] {
  const value: unknown = JSON.parse(text)
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []
}
