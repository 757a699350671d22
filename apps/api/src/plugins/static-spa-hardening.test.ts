import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../test-support/test-app.js'

/** A built SPA with Vite's manifest folder, served by an app that allows 5 requests a minute per IP. */
let t: TestApp
beforeEach(async () => {
  const dist = mkdtempSync(path.join(tmpdir(), 'tokenauth-web-'))
  mkdirSync(path.join(dist, 'assets'))
  mkdirSync(path.join(dist, '.vite'))
  writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>app</title>')
  writeFileSync(path.join(dist, 'assets', 'index-abc123.js'), 'console.log(1)')
  writeFileSync(path.join(dist, '.vite', 'manifest.json'), '{"index.html":{"file":"assets/index-abc123.js"}}')
  writeFileSync(path.join(dist, '.hidden'), 'secret')
  t = await createTestApp({ WEB_DIST_DIR: dist, RATE_LIMIT_MAX: '5' })
})
afterEach(async () => t.close())

describe('the SPA catch-all and the per-IP limit', () => {
  it('counts unknown GET /api/* paths that reach the catch-all: the 6th in a minute is 429', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 6; i++) statuses.push((await t.app.inject({ url: `/api/no-such-route-${i}` })).statusCode)
    expect(statuses).toEqual([404, 404, 404, 404, 404, 429])
  })

  it('counts /api spelled with an encoded slash too', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 6; i++) statuses.push((await t.app.inject({ url: `/api%2Fno-such-route-${i}` })).statusCode)
    expect(statuses.at(-1)).toBe(429)
  })

  it('still exempts the SPA files and history-mode routes', async () => {
    for (let i = 0; i < 10; i++) expect((await t.app.inject({ url: `/page-${i}` })).statusCode).toBe(200)
  })
})

describe('dot-directories of the build', () => {
  it('serves no dot-directory or dotfile of the build: /.vite/manifest.json is 404', async () => {
    for (const url of ['/.vite/manifest.json', '/%2evite/manifest.json', '/.hidden', '/assets/../.vite/manifest.json']) {
      const response = await t.app.inject({ url })
      expect([url, response.statusCode]).toEqual([url, 404])
      expect(response.body).not.toContain('index.html":')
    }
  })
})
