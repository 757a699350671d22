/** What `pnpm bench` and `pnpm bench:flask` share. */
import { createServer } from 'node:net'

/**
 * All bench traffic comes from 127.0.0.1: lift the per-IP and per-account limits, or the
 * bench would measure 429s (their code still runs). The password-hash limit stays as configured.
 */
export const LIMITS_LIFTED = {
  RATE_LIMIT_MAX: '1000000000',
  LOGIN_FAILURES_PER_ACCOUNT: '1000000000',
  LOGIN_FAILURES_PER_IP: '1000000000',
  // autocannon keeps sending on a connection the server asked to close after its 1,000th
  // request, and Node answers those with 503: raised like the others (its code still runs).
  MAX_REQUESTS_PER_SOCKET: '1000000000',
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}
