import { CookieList, CookieParams, CookieView, DEMO_COOKIE_PATH, SetCookieRequest } from '@tokenauth/shared'
import type { App } from '../http/app-instance.js'
import { ApiError } from '../http/api-error.js'
import { errorResponses } from '../http/schemas.js'
import { sessionCookieSettings } from '../auth/session-cookie.js'
import { createDemoCookieSigner } from '../auth/demo-cookie-signer.js'
import { confirmActorLive } from '../auth/acting-write.js'

/** In `u` mode a well-formed surrogate pair is one code point; only a lone half matches. */
const LONE_SURROGATE = /\p{Cs}/u

/** Signed values are stored as `s:<value>.<signature>`, so reading tells them apart. */
const SIGNED_PREFIX = 's:'

/**
 * `/api/cookies/*`: the seed's `request.cookies` and `set_cookie`, made useful. Cookies are
 * HttpOnly, SameSite=Lax and scoped to `Path=/api/cookies`: they ride on no other request.
 * The session cookie is never listed, read, set or deleted here.
 */
export default async function cookieRoutes(app: App): Promise<void> {
  const { services } = app
  const sessionCookie = sessionCookieSettings(services.config)
  const rule = { auth: 'required' } as const
  const tags = ['cookies']
  const isReserved = (name: string): boolean =>
    name === sessionCookie.name || name.toLowerCase().startsWith('__host-') || name.toLowerCase().startsWith('__secure-')

  const signer = createDemoCookieSigner(services.secrets.sessionSecrets)
  const readCookie = (name: string, raw: string): CookieView => {
    if (!raw.startsWith(SIGNED_PREFIX)) return { name, value: raw, signed: false, valid: true }
    const unsigned = signer.unsign(raw.slice(SIGNED_PREFIX.length))
    return { name, value: unsigned.valid ? (unsigned.value ?? '') : '', signed: true, valid: unsigned.valid }
  }
  const attributes = { path: DEMO_COOKIE_PATH, httpOnly: true, sameSite: 'lax', secure: sessionCookie.secure } as const

  app.get('/cookies', { config: rule, schema: { tags, response: { 200: CookieList, ...errorResponses(401) } } }, async (request) => {
    const cookies = Object.entries(request.cookies)
      .filter((entry): entry is [string, string] => typeof entry[1] === 'string' && !isReserved(entry[0]))
      .filter(([name]) => /^[A-Za-z0-9_-]{1,64}$/.test(name))
      .map(([name, raw]) => readCookie(name, raw))
    return { cookies }
  })

  app.get(
    '/cookies/:name',
    { config: rule, schema: { tags, params: CookieParams, response: { 200: CookieView, ...errorResponses(401, 404) } } },
    async (request) => {
      const { name } = request.params
      // Own properties only: `__proto__` is a valid cookie name and would read Object.prototype (found by route-fuzz).
      const raw = Object.hasOwn(request.cookies, name) ? request.cookies[name] : undefined
      if (raw === undefined || isReserved(name)) throw new ApiError(404, 'not_found', 'No such cookie.')
      return readCookie(name, raw)
    },
  )

  app.put(
    '/cookies/:name',
    {
      config: rule,
      schema: {
        tags,
        params: CookieParams,
        body: SetCookieRequest,
        response: { 200: CookieView, ...errorResponses(400, 401, 413, 415) },
      },
    },
    async (request, reply) => {
      const { name } = request.params
      if (isReserved(name)) throw new ApiError(400, 'bad_request', 'That cookie name is reserved.')
      const { value, signed = false, maxAgeSeconds } = request.body
      // A lone UTF-16 surrogate cannot be percent-encoded into a cookie: refuse it here
      // rather than let the encoder throw while the reply is sent.
      if (LONE_SURROGATE.test(value)) throw new ApiError(400, 'bad_request', 'The value is not valid Unicode text.')
      const stored = signed ? SIGNED_PREFIX + signer.sign(value) : value
      await confirmActorLive(request)
      reply.setCookie(name, stored, { ...attributes, ...(maxAgeSeconds ? { maxAge: maxAgeSeconds } : {}) })
      return { name, value, signed, valid: true }
    },
  )

  app.delete(
    '/cookies/:name',
    { config: rule, schema: { tags, params: CookieParams, response: { 204: { type: 'null' }, ...errorResponses(400, 401) } } },
    async (request, reply) => {
      const { name } = request.params
      if (isReserved(name)) throw new ApiError(400, 'bad_request', 'That cookie name is reserved.')
      await confirmActorLive(request)
      reply.clearCookie(name, attributes)
      return reply.code(204).send(null)
    },
  )
}
