import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { BlockList, isIPv4, isIPv6 } from 'node:net'
import fp from 'fastify-plugin'
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import { REQUEST_ID_HEADER } from '@tokenauth/shared'
import type { Config } from '../config/config.js'

/**
 * What a proxy's id may look like to be kept: nginx's `$request_id` (32 hex digits), a
 * UUID, a ULID, a trace id. Anything longer, or with other characters (spaces, quotes,
 * control characters a log viewer would interpret), is replaced by an id of our own.
 */
const WELL_FORMED_ID = /^[A-Za-z0-9._:-]{1,128}$/

/** Whether the direct peer is one of the proxies `TRUST_PROXY` names (the nearest hop). */
export function createPeerTrust(trustProxy: Config['trustProxy']): (address: string | undefined) => boolean {
  if (trustProxy === false) return () => false
  if (typeof trustProxy === 'number') return () => trustProxy >= 1
  const trusted = new BlockList()
  for (const entry of trustProxy.split(',')) {
    const [address = '', prefix] = entry.split('/')
    const type = isIPv4(address) ? 'ipv4' : 'ipv6'
    if (prefix === undefined) trusted.addAddress(address, type)
    else trusted.addSubnet(address, Number(prefix), type)
  }
  return (address) => {
    if (address === undefined) return false
    if (isIPv4(address)) return trusted.check(address, 'ipv4')
    return isIPv6(address) && trusted.check(address, 'ipv6')
  }
}

/**
 * Fastify's `genReqId`: the id a trusted proxy sent (so the proxy's access log and ours
 * share it), or a random UUID, unique across threads, processes and instances.
 */
export function createRequestIdGenerator(trustProxy: Config['trustProxy']): (request: IncomingMessage) => string {
  const fromTrustedPeer = createPeerTrust(trustProxy)
  return (request) => {
    const sent = request.headers[REQUEST_ID_HEADER]
    if (typeof sent === 'string' && WELL_FORMED_ID.test(sent) && fromTrustedPeer(request.socket.remoteAddress)) return sent
    return randomUUID()
  }
}

function echoRequestId(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
  reply.header(REQUEST_ID_HEADER, request.id)
  done()
}

/**
 * Every answer carries its request's id in `x-request-id` (refusals, 404s and errors too:
 * the first hook sets it, and an error answer keeps the headers already set), so a person
 * can quote it and an operator find the request's log lines by `reqId`.
 */
export default fp(
  async (app) => {
    app.addHook('onRequest', echoRequestId)
  },
  { name: 'request-id' },
)
