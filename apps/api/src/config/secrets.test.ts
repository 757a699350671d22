import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { formatKeyRing, generateSigningKey } from '@tokenauth/signer'
import { loadConfig } from './config.js'
import { DEV_SECRETS_FILE, loadSecrets } from './secrets.js'
import { formatDataKeys, generateDataKey } from '../second-factor/data-keys.js'
import { writeFileSync } from 'node:fs'
import { productionSecrets } from '../test-support/production-secrets.js'

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
    const secrets = loadSecrets(loadConfig({ DATA_DIR: dataDir, TOKEN_KEYS: formatKeyRing(keys), SESSION_SECRET: 'x'.repeat(32), DATA_KEYS: formatDataKeys([generateDataKey()]) }))
    expect(secrets.tokenKeys.map((k) => k.kid)).toEqual(['new', 'old'])
    expect(() => readFileSync(path.join(dataDir, DEV_SECRETS_FILE))).toThrow()
  })

  it('refuses a placeholder TOKEN_KEYS or DATA_KEYS secret in production (an all-zero key), and takes a generated one', () => {
    const production = { ...productionSecrets(), NODE_ENV: 'production', DATA_DIR: dataDir }
    const zeros = `k1:${Buffer.alloc(32).toString('base64url')}`
    expect(() => loadSecrets(loadConfig({ ...production, TOKEN_KEYS: zeros }))).toThrow(/^TOKEN_KEYS looks like a placeholder/)
    const rotated = formatKeyRing([generateSigningKey('new'), { kid: 'old', secret: new Uint8Array(32).fill(7) }])
    expect(() => loadSecrets(loadConfig({ ...production, TOKEN_KEYS: rotated }))).toThrow(/^TOKEN_KEYS looks like a placeholder/)
    expect(loadSecrets(loadConfig({ ...production, TOKEN_KEYS: formatKeyRing([generateSigningKey()]) })).tokenKeys).toHaveLength(1)
    expect(() => loadSecrets(loadConfig({ ...production, DATA_KEYS: zeros }))).toThrow(/^DATA_KEYS looks like a placeholder/)
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

  it('generates development data keys with the others, and keeps them after a restart', () => {
    const first = loadSecrets(loadConfig({ DATA_DIR: dataDir }))
    expect(first.dataKeys).toHaveLength(1)
    expect(first.dataKeys[0]?.secret.byteLength).toBe(32)
    const second = loadSecrets(loadConfig({ DATA_DIR: dataDir }))
    expect(second.dataKeys[0]?.kid).toBe(first.dataKeys[0]?.kid)
  })

  it('adds data keys to a development secrets file written before they existed, keeping the rest', () => {
    const before = loadSecrets(loadConfig({ DATA_DIR: dataDir }))
    const file = path.join(dataDir, DEV_SECRETS_FILE)
    const older = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>
    delete older.dataKeys
    writeFileSync(file, JSON.stringify(older))
    const after = loadSecrets(loadConfig({ DATA_DIR: dataDir }))
    expect(after.tokenKeys[0]?.kid).toBe(before.tokenKeys[0]?.kid)
    expect(after.sessionSecrets).toEqual(before.sessionSecrets)
    expect(after.dataKeys).toHaveLength(1)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(loadSecrets(loadConfig({ DATA_DIR: dataDir })).dataKeys[0]?.kid).toBe(after.dataKeys[0]?.kid)
  })

  it('prefers DATA_KEYS, newest first, and refuses a key that is not 32 bytes without echoing it', () => {
    const keys = [generateDataKey(), generateDataKey()]
    const env = { DATA_DIR: dataDir, TOKEN_KEYS: formatKeyRing([generateSigningKey()]), SESSION_SECRET: 'x'.repeat(32) }
    expect(loadSecrets(loadConfig({ ...env, DATA_KEYS: formatDataKeys(keys) })).dataKeys.map((k) => k.kid)).toEqual(keys.map((k) => k.kid))
    expect(() => readFileSync(path.join(dataDir, DEV_SECRETS_FILE))).toThrow()
    const secret = 'B'.repeat(64)
    let message = ''
    try {
      loadSecrets(loadConfig({ ...env, DATA_KEYS: `d1:${secret}` }))
    } catch (error) {
      message = (error as Error).message
    }
    expect(message).toMatch(/DATA_KEYS.*exactly 32/)
    expect(message).not.toContain(secret)
  })
})
