import { subtle } from 'node:crypto'
import type { CryptoKey } from 'jose'

/** One HMAC secret and the id (`kid`) that tokens signed with it carry in their header. */
export interface SigningKey {
  readonly kid: string
  readonly secret: Uint8Array
}

/** A key ready for jose: its secret imported once, so verification never re-imports it. */
export interface ImportedKey {
  readonly kid: string
  readonly key: Promise<CryptoKey>
}

/** HS256 needs a secret at least as long as its output (RFC 7518 §3.2). */
export const MIN_SECRET_BYTES = 32

const KID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/

/** A key ring or key that cannot be used. The message never contains a secret. */
export class KeyRingError extends Error {
  override readonly name = 'KeyRingError'
}

/** Whether `kid` is 1–64 characters of `A-Z a-z 0-9 . _ -`. */
function isValidKid(kid: unknown): kid is string {
  return typeof kid === 'string' && KID_PATTERN.test(kid)
}

/**
 * Throws a `KeyRingError` unless every key is usable and no kid repeats. Messages name
 * keys by position (`${noun} 2`), never by kid: a secret written where the kid belongs
 * can itself look like a valid kid.
 */
export function assertUsableKeys(keys: readonly SigningKey[], noun: string): void {
  const positionByKid = new Map<string, number>()
  keys.forEach((key, index) => {
    const where = `${noun} ${index + 1}`
    if (!isValidKid(key.kid)) {
      throw new KeyRingError(`${where}: kid must be 1–64 characters of A-Z a-z 0-9 . _ -`)
    }
    if (!(key.secret instanceof Uint8Array) || key.secret.byteLength < MIN_SECRET_BYTES) {
      const length = key.secret instanceof Uint8Array ? key.secret.byteLength : 0
      throw new KeyRingError(`${where}: secret is ${length} bytes, at least ${MIN_SECRET_BYTES} are required`)
    }
    const earlier = positionByKid.get(key.kid)
    if (earlier !== undefined) throw new KeyRingError(`${where}: duplicate kid (the same as ${noun} ${earlier})`)
    positionByKid.set(key.kid, index + 1)
  })
}

function importHmacKey(secret: Uint8Array): Promise<CryptoKey> {
  const key = subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify'])
  // A failure surfaces where the key is awaited; this only keeps it from also being an
  // unhandled rejection that would crash the process at startup.
  key.catch(() => undefined)
  return key
}

/**
 * The keys a signer may use, newest first: the first key signs, every key verifies.
 * Immutable: to retire a key, build a new ring (and a new signer) without it.
 */
export class KeyRing {
  /** Every kid in the ring, newest first. */
  readonly kids: readonly string[]
  /** The newest key; new tokens are signed with it. */
  readonly signingKey: ImportedKey
  readonly #keysByKid: ReadonlyMap<string, Promise<CryptoKey>>

  constructor(keys: readonly SigningKey[]) {
    if (keys.length === 0) throw new KeyRingError('key ring is empty: at least one key is required')
    assertUsableKeys(keys, 'key')
    const imported = keys.map((key): ImportedKey => Object.freeze({ kid: key.kid, key: importHmacKey(key.secret) }))
    this.#keysByKid = new Map(imported.map(({ kid, key }) => [kid, key]))
    this.kids = Object.freeze(imported.map(({ kid }) => kid))
    this.signingKey = imported[0] as ImportedKey
    Object.freeze(this)
  }

  /** The verification key for `kid`, or `undefined` when the ring does not hold it. */
  get(kid: string): Promise<CryptoKey> | undefined {
    return this.#keysByKid.get(kid)
  }
}
