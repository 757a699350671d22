import { describe, expect, it } from 'vitest'
import { clientAddress } from './client-address.js'

// The keys are those counters already in a shared store were written under (the same as
// @fastify/rate-limit's `normalizeIP`), so they must not change.
describe('clientAddress', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['::ffff:192.0.2.1', '192.0.2.1'],
    ['::FFFF:10.0.0.1', '10.0.0.1'],
    ['0:0:0:0:0:ffff:c000:0201', '192.0.2.1'],
    ['::ffff:0:1', '0.0.0.1'],
  ])('keeps IPv4 as it is and reads IPv4-mapped IPv6 as IPv4: %s → %s', (ip, key) => {
    expect(clientAddress(ip)).toBe(key)
  })

  it.each([
    ['2001:DB8::1', '2001:db8::'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::'],
    ['2001:db8:0:1:ffff:ffff:ffff:ffff', '2001:db8:0:1::'],
    ['2001:0:0:1::', '2001:0:0:1::'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4::'],
    ['::1:2:3:4:5', '0:0:0:1::'],
    ['fe80::1%eth0', 'fe80::'],
    ['64:ff9b::1.2.3.4', '64:ff9b::'],
    ['::1.2.3.4', '::'],
    ['::1', '::'],
  ])('counts IPv6 by its /64, in canonical form: %s → %s', (ip, key) => {
    expect(clientAddress(ip)).toBe(key)
  })

  it('gives every address of one /64 the same key, and neighbouring /64s different ones', () => {
    const keys = new Set(['2001:db8:1:2::1', '2001:db8:1:2:dead:beef:0:1', '2001:0DB8:0001:0002:ffff::'].map(clientAddress))
    expect([...keys]).toEqual(['2001:db8:1:2::'])
    expect(clientAddress('2001:db8:1:3::1')).not.toBe(clientAddress('2001:db8:1:2::1'))
  })
})
