import type { FastifyRequest } from 'fastify'

/**
 * Query parameters whose names look like credentials. A client that puts a token in the
 * URL (`?access_token=…`) must not have it written to the log in full.
 */
const CREDENTIAL_NAME = /token|secret|passw|pwd|auth|session|sid|cookie|key|code|jwt|signature|sig/i

/** `url` with the values of credential-like query parameters replaced by `[redacted]`. */
export function redactUrl(url: string): string {
  const query = url.indexOf('?')
  if (query === -1) return url
  const parts = url
    .slice(query + 1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=')
      const rawName = equals === -1 ? pair : pair.slice(0, equals)
      let name = rawName
      try {
        name = decodeURIComponent(rawName.replace(/\+/g, ' '))
      } catch {
        // An undecodable name is judged as written.
      }
      return equals !== -1 && CREDENTIAL_NAME.test(name) ? `${rawName}=[redacted]` : pair
    })
  return `${url.slice(0, query)}?${parts.join('&')}`
}

/**
 * Fastify's request serializer, with the URL redacted (headers that carry credentials are
 * redacted by the logger's `redact` paths).
 * @see https://fastify.dev/docs/latest/Reference/Logging/#log-redaction
 */
export function serializeRequest(request: FastifyRequest) {
  return {
    method: request.method,
    url: redactUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  }
}
