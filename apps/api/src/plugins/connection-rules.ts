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

/** How many times the request names its Host (`rawHeaders` alternates names and values). */
export function hostHeaders(rawHeaders: readonly string[]): number {
  let count = 0
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] ?? ''
    if (name.length === 4 && name.toLowerCase() === 'host') count++
  }
  return count
}

/**
 * Two HTTP/1.1 rules the app keeps itself, so that their answers have the error shape and
 * the security headers (Node's own are bare).
 * - A connection carries at most `maxRequestsPerSocket` requests: the last one's answer
 *   says `connection: close`, and Node closes the socket after it without reading what was
 *   pipelined behind it (Node's own limit answered those with a bare 503). A client sends
 *   them again on a new connection, as it must after `connection: close`.
 * - A request names its Host exactly once (RFC 9112, section 3.2): Node keeps the first of
 *   two and drops the second silently, so a proxy that read the other would route by a
 *   different host. The server is built with `requireHostHeader: false` so that a missing
 *   one is refused here too.
 */
export default fp<ConnectionRulesOptions>(
  async (app, { maxRequestsPerSocket, headers }) => {
    const answered = new WeakMap<Socket, number>()
    app.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
      const socket = request.raw.socket
      const count = (answered.get(socket) ?? 0) + 1
      answered.set(socket, count)
      if (count >= maxRequestsPerSocket) reply.header('connection', 'close')
      const hosts = hostHeaders(request.raw.rawHeaders)
      if (hosts > 1 || (hosts === 0 && request.raw.httpVersion === '1.1')) {
        void reply.code(400).headers(headers).send(errorBody('bad_request', 'A request names its Host exactly once.'))
        return
      }
      done()
    })
  },
  { name: 'connection-rules' },
)
