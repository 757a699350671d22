import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto'

/**
 * The sessions table keeps a hash of each cookie id, never the id: a copy of the database
 * hands out no live cookie. Cookie ids are 24 random bytes, so a plain SHA-256 is enough
 * (nothing to brute-force), and the same id always finds its row.
 */
export function hashCookieId(cookieId: string): string {
  return createHash('sha256').update(cookieId).digest('base64url')
}

/** A key only the holder of `cookieId` can derive (domain-separated from `hashCookieId`). */
function keyFor(cookieId: string): Buffer {
  return createHash('sha256').update('tokenauth successor key\0').update(cookieId).digest()
}

/**
 * Seals a retired cookie id's successor so that only a client presenting the retired id
 * can open it (AES-256-GCM under a key derived from that id): the late tab of a renewal
 * race gets the current cookie back, and the database alone reveals neither id.
 */
export function sealSuccessor(retiredCookieId: string, successorCookieId: string): string {
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', keyFor(retiredCookieId), iv)
  const sealed = Buffer.concat([cipher.update(successorCookieId, 'utf8'), cipher.final()])
  return [iv, cipher.getAuthTag(), sealed].map((part) => part.toString('base64url')).join('.')
}

/** The successor sealed by `sealSuccessor`, or undefined when it does not open with this id. */
export function openSuccessor(retiredCookieId: string, sealed: string): string | undefined {
  const [iv, tag, data] = sealed.split('.').map((part) => Buffer.from(part, 'base64url'))
  if (!iv || !tag || !data) return undefined
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyFor(retiredCookieId), iv)
    decipher.setAuthTag(tag)
    return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8')
  } catch {
    return undefined
  }
}
