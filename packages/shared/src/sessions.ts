import { Type, type Static } from 'typebox'
import { ClientDescription } from './client-description.js'

/** One of my sessions, as the Sessions view lists it. */
export const SessionSummary = Type.Object(
  {
    /** The session's public handle (the `sid` of its tokens). */
    id: Type.String(),
    /** The device, browser and operating system its user agent names. */
    client: ClientDescription,
    ip: Type.Union([Type.String(), Type.Null()]),
    createdAt: Type.String({ format: 'date-time' }),
    lastSeenAt: Type.String({ format: 'date-time' }),
    /** True for the session this request's token belongs to. */
    current: Type.Boolean(),
  },
  { additionalProperties: false },
)
export type SessionSummary = Static<typeof SessionSummary>

export const SessionList = Type.Object({ sessions: Type.Array(SessionSummary) }, { additionalProperties: false })
export type SessionList = Static<typeof SessionList>

export const SessionIdParams = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }) },
  { additionalProperties: false },
)
export type SessionIdParams = Static<typeof SessionIdParams>

/** How many sessions an action ended. */
export const EndedSessions = Type.Object({ ended: Type.Integer({ minimum: 0 }) }, { additionalProperties: false })
export type EndedSessions = Static<typeof EndedSessions>
