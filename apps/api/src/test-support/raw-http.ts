import { connect, type Socket } from 'node:net'

/** An answer read off the socket as the server wrote it. */
export interface RawAnswer {
  readonly status: number
  /** Lower-cased names; a repeated header keeps its last value. */
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
  readonly elapsedMs: number
}

/**
 * Writes `text` to a fresh connection to `port` and reads until the server closes it (or
 * 10 s pass). For what `inject` cannot send: repeated headers, unknown methods, bytes
 * Node's HTTP parser refuses.
 */
export function rawExchange(port: number, text: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const started = Date.now()
    const socket = connect(port, '127.0.0.1')
    let received = ''
    socket.setEncoding('latin1')
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer within 10 s')))
    socket.on('data', (chunk: string) => (received += chunk))
    socket.on('error', reject)
    socket.on('close', () => {
      const [head = '', body = ''] = received.split('\r\n\r\n', 2)
      const [statusLine = '', ...lines] = head.split('\r\n')
      const headers: Record<string, string> = {}
      for (const line of lines) {
        const colon = line.indexOf(':')
        headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim()
      }
      resolve({ status: Number(statusLine.split(' ')[1] ?? 0), headers, body, elapsedMs: Date.now() - started })
    })
    socket.write(text)
  })
}

/**
 * A sign-in whose headers arrived and whose body never finishes: a request in flight that
 * holds the server's shutdown open. Destroy the socket when done.
 */
export async function stalledRequest(port: number): Promise<Socket> {
  const socket = connect(port, '127.0.0.1')
  await new Promise((resolve) => socket.once('connect', resolve))
  socket.on('error', () => {})
  socket.write('POST /api/auth/login HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"user')
  await new Promise((resolve) => setTimeout(resolve, 200))
  return socket
}
