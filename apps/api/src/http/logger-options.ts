import { createRequire } from 'node:module'
import { hostname } from 'node:os'
import { isMainThread, threadId } from 'node:worker_threads'
import type { FastifyServerOptions } from 'fastify'
import type PinoPretty from 'pino-pretty'
import type { Config } from '../config/config.js'
import { serializeRequest } from './log-serializers.js'
import { threadStdout } from './thread-stdout.js'

/**
 * pino-pretty and its dependencies, loaded only for `LOG_FORMAT=pretty`: a production
 * start (JSON logs) neither pays for loading them nor needs them installed.
 */
function loadPinoPretty(): typeof PinoPretty {
  return createRequire(import.meta.url)('pino-pretty') as typeof PinoPretty
}

/** Never written to a log: tokens, cookies and the `Authorization` header. */
const REDACTED = ['req.headers.token', 'req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]']

/**
 * pino's options for Fastify. `json` (the default, and what log collectors want) writes one
 * object a line; `pretty` (what `pnpm dev` sets) formats them for a person at a terminal,
 * in-process and synchronously, so nothing is lost when the process exits.
 */
export function loggerOptions(
  config: Pick<Config, 'logLevel' | 'logFormat'>,
  destination: NodeJS.WritableStream | number = 1,
): FastifyServerOptions['logger'] {
  // The request serializer redacts credential-like query parameters in the URL.
  const options = {
    level: config.logLevel,
    redact: REDACTED,
    serializers: { req: serializeRequest },
    // Under WORKERS=N every thread has the process's pid (and its own req-1, req-2…): name the thread.
    ...(isMainThread ? {} : { base: { pid: process.pid, hostname: hostname(), thread: threadId } }),
  }
  if (config.logFormat === 'json') {
    if (typeof destination !== 'number') return { ...options, stream: destination }
    return isMainThread || destination !== 1 ? options : { ...options, stream: threadStdout }
  }
  const colorize = destination === 1 && process.stdout.isTTY === true
  const stream = loadPinoPretty()({ destination, colorize, sync: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' })
  return { ...options, stream }
}
