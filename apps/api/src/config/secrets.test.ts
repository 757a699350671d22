import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { formatKeyRing, generateSigningKey } from '@tokenauth/signer'
import { loadConfig } from './config.js'
import { DEV_SECRETS_FILE, loadSecrets } from './secrets.js'

let dataDir: string
beforeEach(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'tokenauth-secrets-'))
})
afterEach(() => rmSync(dataDir, { recursive: true, force: true }))

describe('loadSecrets', () => {
  it('generates development secrets once, in a 0600 file, and reuses them after a restart', () => {
    const first = loadSecrets(loadConfig({ DATA_DIR: dataDir }))
    const file = path.join(dataDir, DEV_SECRETS_FILE)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(first.tokenKeys).toHaveLength(1)
    expect(first.tokenKeys[0]?.secret.byteLength).toBeGreaterThanOrEqual(32)
    const second = loadSecrets(loadConfig({ DATA_DIR: dataDir }))
    expect(second.tokenKeys[0]?.kid).toBe(first.tokenKeys[0]?.kid)
    expect(Buffer.from(second.tokenKeys[0]?.secret ?? []).equals(Buffer.from(first.tokenKeys[0]?.secret ?? []))).toBe(true)
    expect(second.sessionSecrets).toEqual(first.sessionSecrets)
  })

  it('prefers TOKEN_KEYS, newest first, and then writes no file for them', () => {
    const keys = [generateSigningKey('new'), generateSigningKey('old')]
    const secrets = loadSecrets(loadConfig({ DATA_DIR: dataDir, TOKEN_KEYS: formatKeyRing(keys), SESSION_SECRET: 'x'.repeat(32) }))
    expect(secrets.tokenKeys.map((k) => k.kid)).toEqual(['new', 'old'])
    expect(() => readFileSync(path.join(dataDir, DEV_SECRETS_FILE))).toThrow()
  })

  it('refuses a placeholder TOKEN_KEYS secret in production (an all-zero key), and takes a generated one', () => {
    const production = { NODE_ENV: 'production', DATA_DIR: dataDir, SESSION_SECRET: randomBytes(32).toString('base64url') }
    const zeros = `k1:${Buffer.alloc(32).toString('base64url')}`
    expect(() => loadSecrets(loadConfig({ ...production, TOKEN_KEYS: zeros }))).toThrow(/^TOKEN_KEYS looks like a placeholder/)
    const rotated = formatKeyRing([generateSigningKey('new'), { kid: 'old', secret: new Uint8Array(32).fill(7) }])
    expect(() => loadSecrets(loadConfig({ ...production, TOKEN_KEYS: rotated }))).toThrow(/^TOKEN_KEYS looks like a placeholder/)
    expect(loadSecrets(loadConfig({ ...production, TOKEN_KEYS: formatKeyRing([generateSigningKey()]) })).tokenKeys).toHaveLength(1)
  })

  it('names TOKEN_KEYS when it is wrong, without echoing the secret', () => {
    const secret = 'c2hvcnQ'
    let message = ''
    try {
      loadSecrets(loadConfig({ DATA_DIR: dataDir, TOKEN_KEYS: `k1:${secret}` }))
    } catch (error) {
      message = (error as Error).message
    }
    expect(message).toMatch(/TOKEN_KEYS/)
    expect(message).not.toContain(secret)
  })
})
