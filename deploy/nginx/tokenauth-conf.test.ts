import { readFileSync } from 'node:fs'
import { maxHeaderSize } from 'node:http'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { BODY_LIMIT_BYTES } from '../../apps/api/src/app.js'
import { loadConfig } from '../../apps/api/src/config/config.js'
import { errorBody } from '../../apps/api/src/http/api-error.js'
import { DependencyUnavailableError } from '../../apps/api/src/http/unavailable-error.js'
import { securityHeaderSet } from '../../apps/api/src/plugins/security-headers.js'

/**
 * The template's numbers against the app's defaults, which a test through nginx cannot
 * see (apps/web/e2e/tls-proxy.e2e.ts runs the template itself).
 */
const template = readFileSync(path.join(import.meta.dirname, 'tokenauth.conf'), 'utf8')
const lines = template.split('\n').map((line) => line.replace(/#.*/, '').trim())
const defaults = loadConfig({})

/** Every value of a directive (`name value…;`), in order. */
function values(name: string): string[] {
  return lines.flatMap((line) => (line.startsWith(`${name} `) ? [line.slice(name.length).trim().replace(/;$/, '')] : []))
}
/** The one value of a directive given once, e.g. `32k`. */
function only(name: string): string {
  const found = values(name)
  expect(found, name).toHaveLength(1)
  return found[0] ?? ''
}
/** nginx sizes (`32k`, `1m`) in bytes. */
function bytes(size: string): number {
  const match = /^(\d+)([km]?)$/i.exec(size)
  if (!match) throw new Error(`not an nginx size: ${size}`)
  return Number(match[1]) * { '': 1, k: 1024, m: 1024 * 1024 }[(match[2] ?? '').toLowerCase() as '' | 'k' | 'm']
}
/** nginx times in this template are whole seconds (`75s`). */
function seconds(time: string): number {
  const match = /^(\d+)s$/.exec(time)
  if (!match) throw new Error(`not a time in seconds: ${time}`)
  return Number(match[1])
}
/** The JSON body of the `return <status> '…'` in a named location. */
function returnedBody(status: number): unknown {
  const match = new RegExp(`return ${status} '(.*)';`).exec(template)
  if (!match?.[1]) throw new Error(`no "return ${status}" in the template`)
  return JSON.parse(match[1])
}

describe('deploy/nginx/tokenauth.conf against the app’s limits', () => {
  it('takes bodies up to the app’s limit and no larger; header lines up to Node’s whole header limit', () => {
    expect(bytes(only('client_max_body_size'))).toBe(BODY_LIMIT_BYTES)
    expect(bytes(only('client_body_buffer_size'))).toBeGreaterThanOrEqual(BODY_LIMIT_BYTES)
    const [, lineSize = ''] = only('large_client_header_buffers').split(/\s+/)
    expect(bytes(lineSize)).toBe(maxHeaderSize)
  })

  it('waits for the instances longer than their own timeouts, and drops idle upstream connections before they do', () => {
    for (const name of ['proxy_read_timeout', 'proxy_send_timeout']) {
      expect(seconds(only(name)), name).toBeGreaterThan(Math.max(defaults.requestTimeoutSeconds, defaults.connectionTimeoutSeconds))
    }
    // `keepalive_timeout` is given once, in the upstream block: idle connections to the instances.
    expect(seconds(only('keepalive_timeout'))).toBeLessThan(defaults.keepAliveTimeoutSeconds)
    expect(Number(only('keepalive_requests'))).toBeLessThanOrEqual(defaults.maxRequestsPerSocket)
    for (const name of ['client_header_timeout', 'client_body_timeout']) expect(seconds(only(name)), name).toBe(defaults.requestTimeoutSeconds)
  })

  it('leaves Strict-Transport-Security to the app, which sends it in production', () => {
    expect(securityHeaderSet(true)['strict-transport-security']).toBeDefined()
    expect(template).not.toMatch(/^\s*add_header\s+Strict-Transport-Security/im)
  })

  it('answers its own refusals in the app’s error shape and words', () => {
    expect(returnedBody(413)).toEqual(errorBody('payload_too_large'))
    const unavailable = new DependencyUnavailableError('sqlite')
    expect(returnedBody(503)).toEqual(errorBody('service_unavailable', unavailable.message))
    expect(template).toContain(`add_header Retry-After ${unavailable.retryAfterSeconds} always;`)
  })
})
