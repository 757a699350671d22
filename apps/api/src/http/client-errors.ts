import { randomUUID } from 'node:crypto'
import { STATUS_CODES } from 'node:http'
import type { Duplex } from 'node:stream'
import { REQUEST_ID_HEADER, type ErrorCode } from '@tokenauth/shared'
import { errorBody } from './api-error.js'

/** What Node's HTTP parser reports, as a status and a code of the one error shape. */
function classify(error: NodeJS.ErrnoException): { status: number; code: ErrorCode } {
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return { status: 408, code: 'request_timeout' }
  if (error.code === 'HPE_HEADER_OVERFLOW') return { status: 431, code: 'headers_too_large' }
  return { status: 400, code: 'bad_request' }
}

/**
 * Fastify's `clientErrorHandler`: the answer to a request the HTTP parser refused (an
 * unknown method, headers too large, a stalled request past `REQUEST_TIMEOUT`), written
 * straight to the socket since no request object exists, in the one error shape and with
 * the security headers. The connection is then closed, as Node does.
 * @see https://fastify.dev/docs/latest/Reference/Server/#clienterrorhandler
 */
export function createClientErrorHandler(headers: Readonly<Record<string, string>>) {
  const headerLines = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('')
  return function clientErrorHandler(error: NodeJS.ErrnoException, socket: Duplex): void {
    // A reset connection has nobody to answer.
    if (error.code === 'ECONNRESET' || socket.destroyed) return
    if (socket.writable) {
      const { status, code } = classify(error)
      const body = JSON.stringify(errorBody(code))
      socket.write(
        // An id of its own, as every answer has; Node refused the bytes before any request (and log line) existed.
        `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n${headerLines}${REQUEST_ID_HEADER}: ${randomUUID()}\r\n` +
          `content-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
      )
    }
    socket.destroy(error)
  }
}
