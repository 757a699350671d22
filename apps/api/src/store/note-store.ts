import type { Engine } from './engine.js'

export interface NoteRecord {
  readonly id: number
  readonly ownerId: number
  readonly ownerUsername: string
  readonly text: string
  readonly createdAt: number
}

/** The sample resource's notes, on either engine. */
export class NoteStore {
  readonly #engine: Engine

  constructor(engine: Engine) {
    this.#engine = engine
  }

  #select() {
    return this.#engine.db
      .selectFrom('notes as n')
      .innerJoin('users as u', 'u.id', 'n.owner_id')
      .select(['n.id', 'n.owner_id', 'u.username as owner_username', 'n.text', 'n.created_at'])
  }

  async create(ownerId: number, text: string, createdAt: number): Promise<NoteRecord> {
    const inserted = await this.#engine.db
      .insertInto('notes')
      .values({ owner_id: ownerId, text, created_at: createdAt })
      .returning('id')
      .executeTakeFirstOrThrow()
    const note = await this.findById(inserted.id)
    if (!note) throw new Error('note vanished right after insert')
    return note
  }

  async findById(id: number): Promise<NoteRecord | undefined> {
    const row = await this.#select().where('n.id', '=', id).executeTakeFirst()
    return row && toRecord(row)
  }

  /** Newest first. */
  async list(limit = 500): Promise<NoteRecord[]> {
    const rows = await this.#select().orderBy('n.id', 'desc').limit(limit).execute()
    return rows.map(toRecord)
  }

  async delete(id: number): Promise<boolean> {
    const result = await this.#engine.db.deleteFrom('notes').where('id', '=', id).executeTakeFirst()
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
