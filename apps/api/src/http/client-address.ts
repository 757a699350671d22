import { isIPv6 } from 'node:net'

/**
 * The address a per-client limit counts: an IPv4 address as it is, an IPv4-mapped IPv6
 * address (`::ffff:192.0.2.1`, what a dual-stack socket reports) as its IPv4 address, and
 * any other IPv6 address by its /64, since one client holds a whole /64 or more (RFC 6177).
 * IPv6 is written in RFC 5952's canonical form, so every spelling of one network is one
 * key. Counters in a shared store are found by these keys: changing the form restarts
 * every client's count at the next deploy.
 */
export function clientAddress(ip: string): string {
  if (!isIPv6(ip)) return ip
  // WHATWG URL parses IPv6 (a zone id aside) and serializes it in RFC 5952's form.
  const pieces = expand(new URL(`http://[${ip.split('%')[0]}]`).hostname.slice(1, -1))
  if (pieces.slice(0, 5).every((piece) => piece === 0) && pieces[5] === 0xffff) {
    const [high = 0, low = 0] = pieces.slice(6)
    return `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`
  }
  const network = [...pieces.slice(0, 4), 0, 0, 0, 0]
  return new URL(`http://[${network.map((piece) => piece.toString(16)).join(':')}]`).hostname.slice(1, -1)
}

/** The eight 16-bit pieces of an IPv6 address in URL-serialized form (hex only, one `::` at most). */
function expand(canonical: string): number[] {
  const [head = '', tail] = canonical.split('::')
  const read = (part: string | undefined) => (part ? part.split(':').map((piece) => Number.parseInt(piece, 16)) : [])
  const before = read(head)
  const after = read(tail)
  return tail === undefined ? before : [...before, ...new Array<number>(8 - before.length - after.length).fill(0), ...after]
}
