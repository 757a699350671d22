import type { Engine } from './engine.js'
import type { Queryable } from './tables.js'
import type { WriteTransaction } from './write-transaction.js'

export interface NoteRecord {
  readonly id: number
  readonly ownerId: number
  readonly ownerUsername: string
  readonly text: string
  readonly createdAt: number
}

/** The sample resource's notes, on either engine. Writes take the write transaction as `tx`. */
export class NoteStore {
  readonly #engine: Engine

  constructor(engine: Engine) {
    this.#engine = engine
  }

  #select(q: Queryable = this.#engine.db) {
    return q
      .selectFrom('notes as n')
      .innerJoin('users as u', 'u.id', 'n.owner_id')
      .select(['n.id', 'n.owner_id', 'u.username as owner_username', 'n.text', 'n.created_at'])
  }

  async create(ownerId: number, text: string, createdAt: number, tx: WriteTransaction): Promise<NoteRecord> {
    const inserted = await tx
      .insertInto('notes')
      .values({ owner_id: ownerId, text, created_at: createdAt })
      .returning('id')
      .executeTakeFirstOrThrow()
    const note = await this.findById(inserted.id, tx)
    if (!note) throw new Error('note vanished right after insert')
    return note
  }

  async findById(id: number, q: Queryable = this.#engine.db): Promise<NoteRecord | undefined> {
    const row = await this.#select(q).where('n.id', '=', id).executeTakeFirst()
    return row && toRecord(row)
  }

  /** Newest first. */
  async list(limit = 500): Promise<NoteRecord[]> {
    const rows = await this.#select().orderBy('n.id', 'desc').limit(limit).execute()
    return rows.map(toRecord)
  }

  async delete(id: number, tx: WriteTransaction): Promise<boolean> {
    const result = await tx.deleteFrom('notes').where('id', '=', id).executeTakeFirst()
    return result.numDeletedRows > 0n
  }
}

function toRecord(row: { id: number; owner_id: number; owner_username: string; text: string; created_at: number }): NoteRecord {
  return {
    id: row.id,
    ownerId: row.owner_id,
    ownerUsername: row.owner_username,
    text: row.text,
    createdAt: row.created_at,
  }
}
