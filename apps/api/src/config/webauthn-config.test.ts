import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from './config.js'

const rp = (env: Record<string, string>) => loadConfig(env).webauthn

describe('the WebAuthn relying party', () => {
  it('is localhost on PORT by default: what `pnpm start` prints, and a secure context over http', () => {
    expect(rp({})).toEqual({ id: 'localhost', name: 'tokenauth', origins: ['http://localhost:3000'] })
    expect(rp({ PORT: '8080', MFA_ISSUER: 'Acme' })).toEqual({ id: 'localhost', name: 'Acme', origins: ['http://localhost:8080'] })
  })

  it('follows PUBLIC_URL, and is off when PUBLIC_URL is an IP address (WebAuthn takes no IP as RP ID)', () => {
    expect(rp({ PUBLIC_URL: 'https://auth.example.com/' })).toEqual({ id: 'auth.example.com', name: 'tokenauth', origins: ['https://auth.example.com'] })
    expect(rp({ PUBLIC_URL: 'http://localhost:5173' })?.origins).toEqual(['http://localhost:5173'])
    expect(rp({ PUBLIC_URL: 'http://192.168.1.20:3000' })).toBeUndefined()
    expect(rp({ PUBLIC_URL: 'http://[::1]:3000' })).toBeUndefined()
  })

  it('takes WEBAUTHN_RP_ID and WEBAUTHN_ORIGINS, each origin on the RP ID or a subdomain', () => {
    expect(rp({ WEBAUTHN_RP_ID: 'example.com' })?.origins).toEqual(['https://example.com'])
    expect(rp({ WEBAUTHN_RP_ID: 'example.com', WEBAUTHN_ORIGINS: 'https://example.com,https://app.example.com' })).toEqual({
      id: 'example.com',
      name: 'tokenauth',
      origins: ['https://example.com', 'https://app.example.com'],
    })
    expect(rp({ WEBAUTHN_RP_ID: 'example.com', PUBLIC_URL: 'https://example.com:8443' })?.origins).toEqual(['https://example.com:8443'])
  })

  it('refuses an IP address or URL as RP ID, an origin off the RP ID, and origins without an RP ID', () => {
    for (const env of [
      { WEBAUTHN_RP_ID: '10.0.0.1' },
      { WEBAUTHN_RP_ID: 'https://example.com' },
      { WEBAUTHN_RP_ID: 'example.com', WEBAUTHN_ORIGINS: 'https://example.org' },
      { WEBAUTHN_RP_ID: 'example.com', WEBAUTHN_ORIGINS: 'https://notexample.com' },
      { WEBAUTHN_ORIGINS: 'https://example.com' },
    ]) {
      expect(() => loadConfig(env), JSON.stringify(env)).toThrow(ConfigError)
    }
  })
})
