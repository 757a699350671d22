import { CreateNoteRequest, Note, NoteIdParams, NoteList } from '@tokenauth/shared'
import type { App } from '../http/app-instance.js'
import { ApiError } from '../http/api-error.js'
import { errorResponses } from '../http/schemas.js'
import { currentUser } from '@tokenauth/fastify-token-auth'
import type { NoteRecord } from '../store/note-store.js'
import { writeAsActor } from '../auth/acting-write.js'

/**
 * The sample resource, with per-method rules as Flask-RESTful's `method_decorators`:
 * GET and POST need a signed-in user; DELETE needs the note's owner or role `admin`.
 */
export default async function noteRoutes(app: App): Promise<void> {
  const { services } = app
  app.get(
    '/notes',
    {
      config: { auth: 'required' },
      schema: { tags: ['notes'], response: { 200: NoteList, ...errorResponses(401) } },
    },
    async () => {
      return { notes: (await services.notes.list()).map(toNote) }
    },
  )

  app.post(
    '/notes',
    {
      config: { auth: 'required' },
      schema: { tags: ['notes'], body: CreateNoteRequest, response: { 201: Note, ...errorResponses(400, 401, 413, 415) } },
    },
    async (request, reply) => {
      const note = await writeAsActor(request, (tx) => services.notes.create(currentUser(request).id, request.body.text, services.clock(), tx))
      return reply.code(201).send(toNote(note))
    },
  )

  app.delete(
    '/notes/:id',
    {
      config: { auth: 'required' },
      schema: { tags: ['notes'], params: NoteIdParams, response: { 204: { type: 'null' }, ...errorResponses(401, 403, 404) } },
    },
    async (request, reply) => {
      const user = currentUser(request)
      await writeAsActor(request, async (tx) => {
        const note = await services.notes.findById(Number(request.params.id), tx)
        if (!note) throw new ApiError(404, 'not_found', 'No such note.')
        if (note.ownerId !== user.id && !user.roles.includes('admin')) throw new ApiError(403, 'insufficient_role')
        await services.notes.delete(note.id, tx)
      })
      return reply.code(204).send(null)
    },
  )
}

function toNote(note: NoteRecord): Note {
  return { ...note, createdAt: new Date(note.createdAt).toISOString() }
}
