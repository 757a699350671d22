import { createHash, timingSafeEqual } from 'node:crypto'

/**
 * Whether an `Authorization` header carries `Bearer <expected>`. Both sides are hashed
 * first, so the comparison takes the same time whatever was sent, its length included.
 */
export function createMetricsTokenCheck(expected: string): (authorization: string | undefined) => boolean {
  const expectedDigest = createHash('sha256').update(expected).digest()
  return (authorization) => {
    if (typeof authorization !== 'string') return false
    const match = /^Bearer +(\S+) *$/i.exec(authorization)
    const sent = createHash('sha256')
      .update(match?.[1] ?? '')
      .digest()
    return timingSafeEqual(sent, expectedDigest) && match !== null
  }
}
