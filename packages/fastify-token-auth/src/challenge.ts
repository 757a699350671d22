import type { FastifyReply } from 'fastify'
import type { TokenAuthFailureCode, TokenFailureReason } from './messages.js'
import type { CompiledStepUp } from './rules.js'

/**
 * The one place refusals get their shape: status, `WWW-Authenticate` (RFC 6750 §3),
 * `Cache-Control: no-store` and the JSON error body. Every refusal is built once at
 * registration, as ready-to-send strings.
 */

/** A ready-to-send refusal. */
/** `Retry-After` on a 503 refusal (the session store did not answer). */
export const SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS = 5

export interface Refusal {
  readonly status: 400 | 401 | 403 | 503
  /** `WWW-Authenticate` value, or `undefined` for refusals that are not about the token. */
  readonly challenge: string | undefined
  /** The JSON body, already serialized. */
  readonly body: string
}

export type Refusals = Readonly<Record<TokenAuthFailureCode, Refusal>>

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8'

/** Builds every refusal for one `scheme`, `realm` and set of messages. */
export function buildRefusals(scheme: string, realm: string, messages: Readonly<Record<TokenAuthFailureCode, string>>): Refusals {
  const base = `${scheme} realm=${quotedString(realm)}`
  const serializeError = (code: TokenAuthFailureCode): string => JSON.stringify({ error: { code, message: messages[code] } })
  const invalidToken = (code: TokenFailureReason): Refusal => ({
    status: 401,
    challenge: `${base}, error="invalid_token", error_description=${quotedString(errorDescription(messages[code]))}`,
    body: serializeError(code),
  })
  return Object.freeze({
    // No token: no error attribute, so the client knows it simply has to authenticate.
    missing_token: { status: 401, challenge: base, body: serializeError('missing_token') },
    malformed_token: invalidToken('malformed_token'),
    invalid_token: invalidToken('invalid_token'),
    expired_token: invalidToken('expired_token'),
    revoked_token: invalidToken('revoked_token'),
    // The token is fine, the principal is not enough: no challenge (RFC 6750 §3.1 would say
    // `insufficient_scope`, but roles are not OAuth scopes and re-authenticating cannot help).
    insufficient_role: { status: 403, challenge: undefined, body: serializeError('insufficient_role') },
    // Without a route's rule (`reply.refuseToken`): the challenge without `max_age`.
    insufficient_user_authentication: stepUpRefusal(scheme, realm, messages, null),
    bad_request: { status: 400, challenge: `${base}, error="invalid_request"`, body: serializeError('bad_request') },
    service_unavailable: { status: 503, challenge: undefined, body: serializeError('service_unavailable') },
  })
}

/**
 * RFC 9470 §3: the token is good, but its authentication is too old (`max_age`) or not
 * of the kind asked (`acr_values`). Built once per route rule, at start-up.
 */
export function stepUpRefusal(
  scheme: string,
  realm: string,
  messages: Readonly<Record<TokenAuthFailureCode, string>>,
  stepUp: CompiledStepUp | null,
): Refusal {
  const code = 'insufficient_user_authentication'
  const parts = [
    `${scheme} realm=${quotedString(realm)}`,
    `error="${code}"`,
    `error_description=${quotedString(errorDescription(messages[code]))}`,
  ]
  if (stepUp?.factors != null) parts.push(`acr_values=${quotedString(stepUp.factors)}`)
  if (stepUp !== null) parts.push(`max_age=${stepUp.maxAge}`)
  return { status: 401, challenge: parts.join(', '), body: JSON.stringify({ error: { code, message: messages[code] } }) }
}

/**
 * Sends a refusal. The body is a string with a JSON content type, so Fastify sends it
 * as it is: no reply serializer or response schema of the app can reshape it.
 */
export function sendRefusal(reply: FastifyReply, refusal: Refusal): void {
  reply.code(refusal.status)
  reply.header('cache-control', 'no-store')
  reply.header('content-type', JSON_CONTENT_TYPE)
  if (refusal.challenge !== undefined) reply.header('www-authenticate', refusal.challenge)
  // The store the check needs is unreachable: nothing is decided, and the client may come back shortly.
  if (refusal.status === 503) reply.header('retry-after', String(SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS))
  reply.send(refusal.body)
}

/**
 * An RFC 9110 quoted-string. Refuses characters that cannot appear in a header value
 * (controls, non-ASCII), so a realm can never split or corrupt the header.
 */
export function quotedString(value: string): string {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i)
    if ((code < 0x20 && code !== 0x09) || code > 0x7e) {
      throw new TypeError(`cannot put ${JSON.stringify(value)} in a quoted-string: only printable ASCII is allowed`)
    }
  }
  return `"${value.replace(/[\\"]/g, '\\$&')}"`
}

/** RFC 6750 §3: error_description is printable ASCII without `"` and `\`. */
function errorDescription(message: string): string {
  return message.replace(/[^\x20\x21\x23-\x5b\x5d-\x7e]/g, '')
}
