import type { FastifyRequest } from 'fastify'

/**
 * Stored user agents (sessions, audit events) are cut to this many characters: enough
 * to tell browsers and devices apart, too little for a client to fill the disk with.
 */
export const STORED_USER_AGENT_MAX = 200

/** The request's user agent as stored, or null when it sent none. */
export function storedUserAgent(request: FastifyRequest): string | null {
  return request.headers['user-agent']?.slice(0, STORED_USER_AGENT_MAX) ?? null
}
