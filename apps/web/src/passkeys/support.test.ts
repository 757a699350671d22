import { describe, expect, it } from 'vitest'
import { passkeyUnavailable } from './support'

const page = (hostname: string, isSecureContext = true) => ({ isSecureContext, location: { hostname } })
const yes = () => true

describe('passkeyUnavailable', () => {
  it('is null on a domain name in a secure context, localhost included', () => {
    expect(passkeyUnavailable(page('localhost'), yes)).toBeNull()
    expect(passkeyUnavailable(page('auth.example.com'), yes)).toBeNull()
  })

  it('says why otherwise: plain http, an IP address (secure or not), no WebAuthn in the browser', () => {
    expect(passkeyUnavailable(page('auth.example.com', false), yes)).toBe('insecure')
    expect(passkeyUnavailable(page('127.0.0.1'), yes)).toBe('ip_address')
    expect(passkeyUnavailable(page('[::1]'), yes)).toBe('ip_address')
    expect(passkeyUnavailable(page('192.168.1.20', false), yes)).toBe('insecure')
    expect(passkeyUnavailable(page('localhost'), () => false)).toBe('unsupported')
  })
})
