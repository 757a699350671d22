import { Redis } from 'ioredis'

/** A command that takes longer than this fails (and the request gets a 503), never hangs. */
const COMMAND_TIMEOUT_MS = 1000
/** Reconnect attempts back off to this, so a returning Redis is used within a second or so. */
const MAX_RECONNECT_DELAY_MS = 1000

/**
 * A Redis client that fails fast while Redis is unreachable: no offline queue (a command
 * sent while disconnected is refused at once instead of waiting for a reconnect), a
 * command timeout, and reconnection forever in the background so that service resumes
 * by itself when Redis is back.
 * @see https://github.com/redis/ioredis#auto-reconnect
 */
export function createRedisClient(url: string): Redis {
  const client = new Redis(url, {
    enableOfflineQueue: false,
    commandTimeout: COMMAND_TIMEOUT_MS,
    connectTimeout: COMMAND_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    retryStrategy: (attempt) => Math.min(50 * attempt, MAX_RECONNECT_DELAY_MS),
    // Connect now, so the first request does not pay for it; errors are answered per command.
    lazyConnect: false,
  })
  // Without a listener an unreachable Redis would be an unhandled 'error' event (a crash).
  client.on('error', () => undefined)
  return client
}

/**
 * Resolves once the client is connected, or after `ms` either way: a server starting
 * while Redis is down still starts (and answers 503 until Redis is back).
 */
export async function connected(client: Redis, ms = 2000): Promise<boolean> {
  if (client.status === 'ready') return true
  return new Promise((resolve) => {
    const done = (ready: boolean): void => {
      clearTimeout(timer)
      client.off('ready', onReady)
      resolve(ready)
    }
    const onReady = (): void => done(true)
    const timer = setTimeout(() => done(false), ms)
    client.on('ready', onReady)
  })
}
