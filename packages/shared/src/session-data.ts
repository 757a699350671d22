import { Type, type Static } from 'typebox'

/**
 * The seed's `session['username'] = 'root'`, made useful: a small key-value map kept in
 * the caller's server session (`/api/session/*`), next to what the server keeps itself.
 */
export const SessionItemKey = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.-]+$' })
export const SessionItemValue = Type.String({ maxLength: 1024 })

export const SessionItemParams = Type.Object({ key: SessionItemKey }, { additionalProperties: false })
export type SessionItemParams = Static<typeof SessionItemParams>

/** `PUT /api/session/items/:key` body. */
export const SetSessionItemRequest = Type.Object({ value: SessionItemValue }, { additionalProperties: false })
export type SetSessionItemRequest = Static<typeof SetSessionItemRequest>

/** One key and its value. */
export const SessionItem = Type.Object({ key: SessionItemKey, value: Type.String() }, { additionalProperties: false })
export type SessionItem = Static<typeof SessionItem>

/** `GET /api/session`: what the server keeps for this session, read-only, and the user's items. */
export const SessionView = Type.Object(
  {
    /** The session's public id (the `sid` claim of its tokens), not the cookie value. */
    id: Type.String(),
    userId: Type.Integer(),
    createdAt: Type.String({ format: 'date-time' }),
    lastSeenAt: Type.String({ format: 'date-time' }),
    /** When the session ends if nothing happens (idle timeout). */
    idleExpiresAt: Type.String({ format: 'date-time' }),
    /** When the session ends whatever happens (absolute timeout). */
    absoluteExpiresAt: Type.String({ format: 'date-time' }),
    items: Type.Record(Type.String(), Type.String()),
  },
  { additionalProperties: false },
)
export type SessionView = Static<typeof SessionView>
