import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { apiTarget } from './api-target.ts'

const dir = mkdtempSync(path.join(tmpdir(), 'tokenauth-api-target-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const envFile = path.join(dir, '.env')

describe('the dev proxy target', () => {
  it('is the API default without settings', () => {
    expect(apiTarget({}, path.join(dir, 'missing.env'))).toBe('http://127.0.0.1:3000')
  })

  it('follows .env, and the environment wins over it, as the API does', () => {
    writeFileSync(envFile, 'PORT=4100\nHOST=0.0.0.0\n')
    expect(apiTarget({}, envFile)).toBe('http://127.0.0.1:4100')
    expect(apiTarget({ PORT: '4200', HOST: '::1' }, envFile)).toBe('http://[::1]:4200')
    // Set but empty in the environment: the API ignores the file's value and uses its default.
    expect(apiTarget({ PORT: '' }, envFile)).toBe('http://127.0.0.1:3000')
  })
})
