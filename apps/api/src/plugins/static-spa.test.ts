import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../test-support/test-app.js'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib'

const BIG_JS = `export default ${JSON.stringify('x'.repeat(5000))}\n`

let t: TestApp
beforeAll(async () => {
  const dist = mkdtempSync(path.join(tmpdir(), 'tokenauth-web-'))
  mkdirSync(path.join(dist, 'assets'))
  writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>app</title>')
  writeFileSync(path.join(dist, 'assets', 'index-abc123.js'), 'console.log(1)')
  writeFileSync(path.join(dist, 'favicon.svg'), '<svg/>')
  // What the build's precompress step writes beside a large file.
  writeFileSync(path.join(dist, 'assets', 'big-abc123.js'), BIG_JS)
  writeFileSync(path.join(dist, 'assets', 'big-abc123.js.br'), brotliCompressSync(BIG_JS))
  writeFileSync(path.join(dist, 'assets', 'big-abc123.js.gz'), gzipSync(BIG_JS))
  t = await createTestApp({ WEB_DIST_DIR: dist })
})
afterAll(async () => t.close())

describe('serving the built SPA', () => {
  it('serves index.html at / and for history-mode routes, never cached', async () => {
    for (const url of ['/', '/login', '/notes?x=1', '/deep/nested/route']) {
      const response = await t.app.inject({ url })
      expect(response.statusCode, url).toBe(200)
      expect(response.headers['content-type']).toMatch(/^text\/html/)
      expect(response.headers['cache-control']).toBe('no-cache')
    }
  })

  it('serves hashed assets with a year-long immutable cache', async () => {
    const response = await t.app.inject({ url: '/assets/index-abc123.js' })
    expect(response.statusCode).toBe(200)
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable')
  })

  it('sends the precompressed copy the client accepts, with Content-Encoding and Vary', async () => {
    const url = '/assets/big-abc123.js'
    const br = await t.app.inject({ url, headers: { 'accept-encoding': 'gzip, deflate, br' } })
    expect(br.statusCode).toBe(200)
    expect(br.headers['content-encoding']).toBe('br')
    expect(br.headers['content-type']).toMatch(/javascript/)
    expect(br.headers.vary).toMatch(/accept-encoding/i)
    expect(brotliDecompressSync(br.rawPayload).toString()).toBe(BIG_JS)

    const gz = await t.app.inject({ url, headers: { 'accept-encoding': 'gzip' } })
    expect(gz.headers['content-encoding']).toBe('gzip')
    expect(gunzipSync(gz.rawPayload).toString()).toBe(BIG_JS)

    const plain = await t.app.inject({ url, headers: { 'accept-encoding': 'identity' } })
    expect(plain.headers['content-encoding']).toBeUndefined()
    expect(plain.headers.vary).toMatch(/accept-encoding/i)
    expect(plain.body).toBe(BIG_JS)
  })

  it('answers a missing file with 404 JSON, not index.html', async () => {
    const response = await t.app.inject({ url: '/assets/missing.js' })
    expect(response.statusCode).toBe(404)
    expect(response.json().error.code).toBe('not_found')
  })

  it('keeps unknown /api paths as JSON 404', async () => {
    for (const url of ['/api', '/api/', '/api/nope', '/api/nope/deeper']) {
      const response = await t.app.inject({ url })
      expect(response.statusCode, url).toBe(404)
      expect(response.json().error.code).toBe('not_found')
    }
  })

  it('refuses path traversal', async () => {
    for (const url of ['/..%2f..%2fetc%2fpasswd.txt', '/assets/..%2f..%2fpackage.json', '/%2e%2e/%2e%2e/etc/hosts.txt']) {
      const response = await t.app.inject({ url })
      expect(response.statusCode, url).toBeGreaterThanOrEqual(400)
      expect(response.statusCode, url).toBeLessThan(500)
      expect(response.body).not.toContain('root:')
    }
  })
})

describe('the SPA and the rate limit', () => {
  it('does not count the static files; /api spelled another way is a 404 through the SPA route, and counted', async () => {
    const dist = mkdtempSync(path.join(tmpdir(), 'tokenauth-web-'))
    writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>app</title>')
    const limited = await createTestApp({ WEB_DIST_DIR: dist, RATE_LIMIT_MAX: '2' })
    try {
      for (let i = 0; i < 5; i++) expect((await limited.app.inject({ url: '/notes' })).statusCode).toBe(200)
      expect((await limited.app.inject({ url: '/%61pi%2fusers' })).statusCode).toBe(404)
      expect((await limited.app.inject({ url: '/api/setup' })).statusCode).toBe(200)
      expect((await limited.app.inject({ url: '/api/setup' })).statusCode).toBe(429)
    } finally {
      await limited.close()
    }
  })
})
