import { DEMO_COOKIE_MAX_AGE_SECONDS } from './limits.js'
import { Type, type Static } from 'typebox'

/**
 * The seed's `request.cookies` / `set_cookie`, made useful: cookies the user sets and
 * reads through `/api/cookies/*`. They are scoped to `Path=/api/cookies`, so they ride
 * on no other request; the session cookie is never listed or touched here.
 */
export const CookieName = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' })
export const CookieValue = Type.String({ maxLength: 1024 })

export const CookieParams = Type.Object({ name: CookieName }, { additionalProperties: false })
export type CookieParams = Static<typeof CookieParams>

/** `PUT /api/cookies/:name` body. */
export const SetCookieRequest = Type.Object(
  {
    value: CookieValue,
    /** Sign with the server's secret, so a tampered value reads back as `valid: false`. */
    signed: Type.Optional(Type.Boolean()),
    /** Lifetime; omitted means a browser-session cookie. */
    maxAgeSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: DEMO_COOKIE_MAX_AGE_SECONDS })),
  },
  { additionalProperties: false },
)
export type SetCookieRequest = Static<typeof SetCookieRequest>

/** A cookie as the server received it. */
export const CookieView = Type.Object(
  {
    name: CookieName,
    value: Type.String(),
    signed: Type.Boolean(),
    /** For signed cookies: whether the signature checked out (the value is empty when not). */
    valid: Type.Boolean(),
  },
  { additionalProperties: false },
)
export type CookieView = Static<typeof CookieView>

export const CookieList = Type.Object({ cookies: Type.Array(CookieView) }, { additionalProperties: false })
export type CookieList = Static<typeof CookieList>
