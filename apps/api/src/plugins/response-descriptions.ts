/**
 * What each answer of the API is, in words, for the OpenAPI document (`openapi.ts`): without
 * a description @fastify/swagger calls every response "Default Response". The words sit
 * here, apart from the routes, because they are documentation only: the response schemas
 * Fastify serializes with stay the shared TypeBox objects (`http/schemas.ts`).
 */

/** The error answers, by status; every one has the `{ "error": { "code", "message" } }` body. */
const ERROR_WORDS: Record<string, string> = {
  '400': 'Not valid: a field, the query or the body (`error.code` says which rule)',
  '401': 'No valid token, or the session has ended (`error.code` says which)',
  '403': 'Not allowed for this account, or the password or code given is wrong',
  '404': 'Not found',
  '409': 'In conflict with how things are now',
  '413': 'The body is too large',
  '415': 'The body is not JSON',
  '429': 'Too many tries: wait for `Retry-After` seconds',
  '503': 'Busy, or a store is out of reach: try again after `Retry-After` seconds',
}

/** A success answer without words of its own: what its status says. */
const SUCCESS_WORDS: Record<string, string> = {
  '200': 'Done',
  '201': 'Created',
  '204': 'Done; nothing in the body',
}

/** The success answers, by `METHOD /path` as Fastify declares it (`:id`, not `{id}`), then status. */
const ROUTE_WORDS: Record<string, Record<string, string>> = {
  'GET /api/health': { '200': 'The process is up' },
  'GET /api/health/ready': { '200': 'Ready for traffic', '503': 'Not ready: shedding load, or a store is out of reach (named)' },
  'GET /api/auth/login': { '200': 'What the sign-in form may offer' },
  'POST /api/auth/login': {
    '200': 'Signed in: the access token (the session is in the HttpOnly cookie), or the second step an account with a second factor needs',
  },
  'POST /api/auth/login/second-factor': { '200': 'Signed in: the access token and the signed-in user' },
  'POST /api/auth/refresh': { '200': 'A new access token for the session in the cookie' },
  'POST /api/auth/logout': { '204': 'The session has ended, with every token of it' },
  'GET /api/setup': { '200': 'Whether the first admin still has to be created' },
  'POST /api/setup': { '201': 'The first admin, signed in' },
  'GET /api/me': { '200': 'The signed-in user' },
  'GET /api/me/sign-ins': { '200': "The signed-in user's newest sign-ins and refused tries" },
  'POST /api/me/password': { '200': 'Changed; the other sessions of the account have ended' },
  'GET /api/me/second-factors': { '200': "The signed-in user's second factors" },
  'POST /api/me/second-factors/totp': { '200': 'The key of a new authenticator app, not on until confirmed' },
  'POST /api/me/second-factors/totp/confirm': { '200': 'On; the recovery codes, shown this once' },
  'DELETE /api/me/second-factors/totp': { '204': 'The authenticator app is off' },
  'POST /api/me/second-factors/recovery-codes': { '200': 'New recovery codes, shown this once; the old ones are void' },
  'GET /api/notes': { '200': 'The notes' },
  'POST /api/notes': { '201': 'The note, as stored' },
  'DELETE /api/notes/:id': { '204': 'The note is deleted' },
  'GET /api/users': { '200': 'Every user' },
  'POST /api/users': { '201': 'The new user' },
  'PUT /api/users/:id/roles': { '200': 'The user with the new roles' },
  'DELETE /api/users/:id': { '204': 'The user is deleted, and their sessions ended' },
  'POST /api/users/:id/disable': { '200': 'Disabled; how many of their sessions were ended' },
  'POST /api/users/:id/enable': { '204': 'Enabled' },
  'DELETE /api/users/:id/sessions': { '200': 'How many of their sessions were ended' },
  'POST /api/users/:id/password': { '200': 'The password is set; how many of their sessions were ended' },
  'GET /api/sessions': { '200': "The signed-in user's sessions, this one marked" },
  'DELETE /api/sessions': { '200': 'How many of the other sessions were ended' },
  'DELETE /api/sessions/:id': { '204': 'The session has ended' },
  'GET /api/session': { '200': "This session's stored items" },
  'GET /api/session/items/:key': { '200': 'The item' },
  'PUT /api/session/items/:key': { '200': 'The item, as stored' },
  'DELETE /api/session/items/:key': { '204': 'The item is removed' },
  'DELETE /api/session/items': { '204': 'Every item is removed' },
  'GET /api/audit': { '200': 'A page of the audit log, newest first' },
  'GET /api/cookies': { '200': 'The demo cookies the browser sent' },
  'GET /api/cookies/:name': { '200': 'The cookie' },
  'PUT /api/cookies/:name': { '200': 'The cookie, as set' },
  'DELETE /api/cookies/:name': { '204': 'The cookie is removed' },
}

/**
 * The words for one answer: the route's own; for a success, the schema's own description
 * next; then what the status says.
 */
export function responseDescription(method: string, url: string, status: string, schema: unknown): string {
  const own = ROUTE_WORDS[`${method} ${url}`]?.[status]
  if (own) return own
  const success = status.startsWith('2')
  if (success && typeof schema === 'object' && schema !== null && 'description' in schema && typeof schema.description === 'string') {
    return schema.description
  }
  return ERROR_WORDS[status] ?? SUCCESS_WORDS[status] ?? (success ? 'Done' : 'Refused')
}

/**
 * A route's response schemas, each with `x-response-description` (@fastify/swagger's
 * keyword for the response's words, taken out of the documented schema). Copies: the
 * route's own schemas are left as they are.
 */
export function describedResponses(method: string, url: string, response: unknown): Record<string, unknown> | undefined {
  if (typeof response !== 'object' || response === null) return undefined
  return Object.fromEntries(
    Object.entries(response).map(([status, schema]) => [
      status,
      { ...(typeof schema === 'object' && schema !== null ? schema : {}), 'x-response-description': responseDescription(method, url, status, schema) },
    ]),
  )
}
