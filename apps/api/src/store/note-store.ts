import type { Db } from './database.js'

export interface NoteRecord {
  readonly id: number
  readonly ownerId: number
  readonly ownerUsername: string
  readonly text: string
  readonly createdAt: number
}

interface NoteRow {
  id: number
  owner_id: number
  owner_username: string
  text: string
  created_at: number
}

const SELECT_NOTE = `SELECT n.id, n.owner_id, u.username AS owner_username, n.text, n.created_at
  FROM notes n JOIN users u ON u.id = n.owner_id`

/** The sample resource's notes in SQLite. */
export class NoteStore {
  readonly #insert
  readonly #byId
  readonly #all
  readonly #delete

  constructor(db: Db) {
    this.#insert = db.prepare<[number, string, number], { id: number }>(
      'INSERT INTO notes (owner_id, text, created_at) VALUES (?, ?, ?) RETURNING id',
    )
    this.#byId = db.prepare<[number], NoteRow>(`${SELECT_NOTE} WHERE n.id = ?`)
    this.#all = db.prepare<[number], NoteRow>(`${SELECT_NOTE} ORDER BY n.id DESC LIMIT ?`)
    this.#delete = db.prepare<[number]>('DELETE FROM notes WHERE id = ?')
  }

  create(ownerId: number, text: string, createdAt: number): NoteRecord {
    const inserted = this.#insert.get(ownerId, text, createdAt)
    const note = inserted && this.findById(inserted.id)
    if (!note) throw new Error('note vanished right after insert')
    return note
  }

  findById(id: number): NoteRecord | undefined {
    const row = this.#byId.get(id)
    return row && toRecord(row)
  }

  /** Newest first. */
  list(limit = 500): NoteRecord[] {
    return this.#all.all(limit).map(toRecord)
  }

  delete(id: number): boolean {
    return this.#delete.run(id).changes > 0
  }
}

function toRecord(row: NoteRow): NoteRecord {
  return {
    id: row.id,
    ownerId: row.owner_id,
    ownerUsername: row.owner_username,
    text: row.text,
    createdAt: row.created_at,
  }
}
