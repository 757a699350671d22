import { isIPv4 } from 'node:net'

/** Shortest prefixes TRUST_PROXY takes: a proxy network, never a share of the Internet. */
const MIN_IPV4_PREFIX = 8
const MIN_IPV6_PREFIX = 32
/** Half of all IPv4 addresses: a list whose ranges together cover this many trusts everyone. */
const MAX_IPV4_COVERED = 2 ** 31
const MAPPED_IPV4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/

/**
 * Why a TRUST_PROXY list (entries already checked as `address` or `address/prefix`)
 * trusts (nearly) every address, in words for the configuration error, or undefined when it
 * does not: a prefix shorter than /8 (IPv4, IPv4-mapped IPv6 counted as IPv4) or /32
 * (IPv6), or ranges that together cover half of IPv4 (`0.0.0.0/1,128.0.0.0/1`).
 */
export function trustsEveryone(entries: readonly string[]): string | undefined {
  const ranges: [number, number][] = []
  for (const entry of entries) {
    const [written = '', prefixText] = entry.split('/')
    const mapped = MAPPED_IPV4.exec(written)?.[1]
    const ipv4 = mapped ?? (isIPv4(written) ? written : undefined)
    if (ipv4 === undefined) {
      const prefix = prefixText === undefined ? 128 : Number(prefixText)
      if (prefix < MIN_IPV6_PREFIX) return `"${entry}" is shorter than /${MIN_IPV6_PREFIX}`
      continue
    }
    const prefix = prefixText === undefined ? 32 : Number(prefixText) - (mapped === undefined ? 0 : 96)
    if (prefix < MIN_IPV4_PREFIX) return `"${entry}" is shorter than /${MIN_IPV4_PREFIX}${mapped === undefined ? '' : ' of IPv4'}`
    const size = 2 ** (32 - prefix)
    const start = Math.floor(ipv4Number(ipv4) / size) * size
    ranges.push([start, start + size])
  }
  return coveredCount(ranges) >= MAX_IPV4_COVERED ? 'covers half of all IPv4 addresses or more' : undefined
}

function ipv4Number(address: string): number {
  return address.split('.').reduce((value, part) => value * 256 + Number(part), 0)
}

/** Addresses in the union of half-open ranges. */
function coveredCount(ranges: [number, number][]): number {
  let covered = 0
  let reach = -1
  for (const [start, end] of [...ranges].sort((a, b) => a[0] - b[0])) {
    if (end <= reach) continue
    covered += end - Math.max(start, reach)
    reach = end
  }
  return covered
}
