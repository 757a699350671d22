import type { Socket } from 'node:net'
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import fp from 'fastify-plugin'
import { errorBody } from '../http/api-error.js'

export interface ConnectionRulesOptions {
  /** Requests answered on one connection; the last of them says `connection: close`. */
  readonly maxRequestsPerSocket: number
  /** The security headers every answer carries, for the refusals made before that hook. */
  readonly headers: Readonly<Record<string, string>>
}

/** True when the request names its Host more than once (`rawHeaders` alternates names and values). */
export function repeatsHost(rawHeaders: readonly string[]): boolean {
  let seen = false
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] ?? ''
    if (name.length !== 4 || name.toLowerCase() !== 'host') continue
    if (seen) return true
    seen = true
  }
  return false
}

/**
 * Two HTTP/1.1 rules Node leaves to the application.
 * - A connection carries at most `maxRequestsPerSocket` requests: the last one's answer
 *   says `connection: close` and Node closes the socket after it. Requests pipelined past
 *   it are never run and never answered (Node's own limit would answer them with a bare
 *   503: no security headers, no error shape, no Retry-After). A client retries them on a
 *   new connection, as it must after `connection: close`.
 * - Two `Host` headers are 400 (RFC 9112, section 3.2); Node keeps the first and drops the
 *   second silently, so a proxy that read the other one would route by a different host.
 */
export default fp<ConnectionRulesOptions>(
  async (app, { maxRequestsPerSocket, headers }) => {
    const answered = new WeakMap<Socket, number>()
    app.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
      const socket = request.raw.socket
      const count = (answered.get(socket) ?? 0) + 1
      answered.set(socket, count)
      if (count > maxRequestsPerSocket) {
        // Already told to close; Node ends the socket once the last allowed answer is out.
        reply.hijack()
        done()
        return
      }
      if (count === maxRequestsPerSocket) reply.header('connection', 'close')
      if (repeatsHost(request.raw.rawHeaders)) {
        void reply.code(400).headers(headers).send(errorBody('bad_request', 'A request names its Host once.'))
        return
      }
      done()
    })
  },
  { name: 'connection-rules' },
)
