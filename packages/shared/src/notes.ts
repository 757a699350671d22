import { Type, type Static } from 'typebox'
import { NOTE_MAX_LENGTH } from './limits.js'

/** The sample resource: a short note owned by the user who wrote it. */
export const Note = Type.Object(
  {
    id: Type.Integer({ minimum: 1 }),
    ownerId: Type.Integer({ minimum: 1 }),
    ownerUsername: Type.String(),
    text: Type.String(),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
)
export type Note = Static<typeof Note>

export const NoteList = Type.Object({ notes: Type.Array(Note) }, { additionalProperties: false })
export type NoteList = Static<typeof NoteList>

export const CreateNoteRequest = Type.Object(
  { text: Type.String({ minLength: 1, maxLength: NOTE_MAX_LENGTH }) },
  { additionalProperties: false },
)
export type CreateNoteRequest = Static<typeof CreateNoteRequest>

/** Path ids arrive as text; digits only, no sign, no leading zero, at most 15 digits. */
export const NoteIdParams = Type.Object(
  { id: Type.String({ pattern: '^[1-9][0-9]{0,14}$' }) },
  { additionalProperties: false },
)
export type NoteIdParams = Static<typeof NoteIdParams>
