import { PassThrough } from 'node:stream'
import Fastify from 'fastify'
import { describe, expect, it } from 'vitest'
import { loggerOptions } from './logger-options.js'

async function logOneRequest(format: 'json' | 'pretty'): Promise<string> {
  const out = new PassThrough()
  let text = ''
  out.on('data', (chunk: Buffer) => (text += chunk.toString()))
  const options = loggerOptions({ logLevel: 'info', logFormat: format }, out)
  // The json format has no stream of its own; give it the same destination to compare.
  const app = Fastify({ logger: format === 'json' ? { ...(options as object), stream: out } : options })
  app.get('/x', () => 'ok')
  await app.inject({ url: '/x', headers: { token: 'secret-token-value', authorization: 'Bearer secret' } })
  await app.close()
  return text
}

describe('loggerOptions', () => {
  it('writes one JSON object a line by default', async () => {
    const lines = (await logOneRequest('json')).trim().split('\n')
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow()
    expect(lines.some((line) => JSON.parse(line).msg === 'incoming request')).toBe(true)
  })

  it('formats lines for a person when pretty, and keeps credentials out', async () => {
    const text = await logOneRequest('pretty')
    expect(text).toMatch(/INFO.*incoming request/)
    expect(() => JSON.parse(text.split('\n')[0] ?? '')).toThrow()
    expect(text).not.toContain('secret-token-value')
  })
})
