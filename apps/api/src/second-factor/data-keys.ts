import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { formatKeyRing, generateSigningKey, KeyRingError, parseKeyRing, type SigningKey } from '@tokenauth/signer'

/** AES-256 takes exactly this many key bytes. */
const KEY_BYTES = 32
/** GCM's recommended nonce length; random per encryption, never reused with a key in practice (2^-48 after 2^24 blobs). */
const IV_BYTES = 12
const TAG_BYTES = 16
const VERSION = 'v1'

/** A blob this ring cannot open: unknown key id, wrong key, altered bytes, other context, or not a blob at all. */
export class DataKeyError extends Error {
  override readonly name = 'DataKeyError'
}

/**
 * Encrypts data at rest (second-factor secrets) with AES-256-GCM. The first key encrypts,
 * every key decrypts, so a ring rotates like `TOKEN_KEYS`: put a new key in front, keep
 * the old ones until nothing is sealed with them. A blob is
 * `v1:<kid>:<iv>:<ciphertext+tag>` (base64url), and `context` (e.g. `totp:42`) is bound
 * as additional data: a blob copied onto another row does not open there.
 */
export class DataKeyRing {
  readonly #keys: ReadonlyMap<string, Buffer>
  readonly #current: { readonly kid: string; readonly key: Buffer }

  constructor(keys: readonly SigningKey[]) {
    const first = keys[0]
    if (first === undefined) throw new KeyRingError('data key ring is empty')
    assertAesKeys(keys)
    this.#keys = new Map(keys.map((key) => [key.kid, Buffer.from(key.secret)]))
    this.#current = { kid: first.kid, key: Buffer.from(first.secret) }
  }

  /** The key id new blobs are sealed with. */
  get currentKid(): string {
    return this.#current.kid
  }

  seal(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES)
    const cipher = createCipheriv('aes-256-gcm', this.#current.key, iv, { authTagLength: TAG_BYTES })
    cipher.setAAD(Buffer.from(context, 'utf8'))
    const sealed = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()])
    return [VERSION, this.#current.kid, iv.toString('base64url'), sealed.toString('base64url')].join(':')
  }

  /** The plaintext, or a `DataKeyError` (never a partial or unauthenticated result). */
  open(blob: string, context: string): string {
    const parts = blob.split(':')
    if (parts.length !== 4 || parts[0] !== VERSION) throw new DataKeyError('not a sealed blob')
    const [, kid = '', ivText = '', sealedText = ''] = parts
    const key = this.#keys.get(kid)
    if (key === undefined) throw new DataKeyError('sealed with a key that is not in DATA_KEYS')
    const iv = Buffer.from(ivText, 'base64url')
    const sealed = Buffer.from(sealedText, 'base64url')
    if (iv.byteLength !== IV_BYTES || sealed.byteLength < TAG_BYTES) throw new DataKeyError('not a sealed blob')
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES })
    decipher.setAAD(Buffer.from(context, 'utf8'))
    decipher.setAuthTag(sealed.subarray(sealed.byteLength - TAG_BYTES))
    try {
      return Buffer.concat([decipher.update(sealed.subarray(0, sealed.byteLength - TAG_BYTES)), decipher.final()]).toString('utf8')
    } catch {
      throw new DataKeyError('the blob does not authenticate: altered, or another key or context')
    }
  }

  /** Whether `blob` was sealed with an older key than the current one (re-seal it when next written). */
  isStale(blob: string): boolean {
    return blob.split(':')[1] !== this.#current.kid
  }
}

/** Parses `DATA_KEYS` text: the `TOKEN_KEYS` format (`kid:<base64url>,…`, newest first), each key exactly 32 bytes. */
export function parseDataKeys(spec: string): SigningKey[] {
  const keys = parseKeyRing(spec)
  assertAesKeys(keys)
  return keys
}

function assertAesKeys(keys: readonly SigningKey[]): void {
  keys.forEach((key, index) => {
    if (key.secret.byteLength !== KEY_BYTES) {
      throw new KeyRingError(`data key ${index + 1}: secret is ${key.secret.byteLength} bytes, AES-256 needs exactly ${KEY_BYTES}`)
    }
  })
}

/** A fresh AES-256 key; the kid (`d-<yyyymmdd>-<6 hex>`) says when it was made. */
export function generateDataKey(): SigningKey {
  const date = new Date().toISOString().slice(0, 10).replaceAll('-', '')
  return generateSigningKey(`d-${date}-${randomBytes(3).toString('hex')}`)
}

/** Writes keys in the format `parseDataKeys` reads. */
export function formatDataKeys(keys: readonly SigningKey[]): string {
  return formatKeyRing(keys)
}
