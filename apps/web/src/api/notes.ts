import type { CreateNoteRequest, Note, NoteList } from '@tokenauth/shared'
import { http } from './http'

/** `GET /api/notes`: everyone's notes, newest first. */
export async function listNotes(): Promise<Note[]> {
  const { data } = await http.get<NoteList>('/notes')
  return data.notes
}

/** `POST /api/notes`. */
export async function createNote(body: CreateNoteRequest): Promise<Note> {
  const { data } = await http.post<Note>('/notes', body)
  return data
}

/** `DELETE /api/notes/:id`: 403 `insufficient_role` unless you own it or are an admin. */
export async function deleteNote(id: number): Promise<void> {
  await http.delete(`/notes/${encodeURIComponent(String(id))}`)
}
