import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto'
import { encodeCBOR } from '@levischuck/tiny-cbor'
import type { PasskeyAssertion, PasskeyCreationOptions, PasskeyRegistrationResponse, PasskeyRequestOptions } from '@tokenauth/shared'

/** WebAuthn authenticator-data flags. */
const UP = 0x01
const UV = 0x04
const BE = 0x08
const BS = 0x10
const AT = 0x40

interface Credential {
  readonly privateKey: KeyObject
  readonly userHandle: string
  counter: number
}

export interface SoftAuthenticatorOptions {
  /** The page the browser would be on (clientDataJSON's `origin`). */
  readonly origin?: string
  readonly rpId?: string
  /** Whether it checks its person (a PIN, a fingerprint): the UV flag. */
  readonly userVerified?: boolean
  /** A synced passkey: backup eligible and backed up. */
  readonly synced?: boolean
  /** Authenticators that count their signatures; false always reports 0 (as many passkeys do). */
  readonly counts?: boolean
}

/** Per response, what a test may change to build a wrong one. */
export interface Tamper {
  readonly origin?: string
  readonly type?: string
  readonly challenge?: string
  readonly rpId?: string
  /** Sign with this counter instead of the next one. */
  readonly counter?: number
  readonly userVerified?: boolean
}

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url')
const sha256 = (data: Uint8Array | string): Buffer => createHash('sha256').update(data).digest()
const u32 = (value: number): Buffer => {
  const out = Buffer.alloc(4)
  out.writeUInt32BE(value)
  return out
}

/**
 * A software passkey authenticator for API tests: an ECDSA P-256 key from node:crypto per
 * credential, 'none' attestation, the authenticator data laid out as WebAuthn §6.1 says
 * and CBOR from a library. It answers what a browser would send; the server checks it
 * with @simplewebauthn/server like any other.
 */
export class SoftAuthenticator {
  readonly #credentials = new Map<string, Credential>()
  readonly origin: string
  readonly rpId: string
  readonly #userVerified: boolean
  readonly #synced: boolean
  readonly #counts: boolean

  constructor({ origin = 'http://localhost:3000', rpId = 'localhost', userVerified = true, synced = false, counts = true }: SoftAuthenticatorOptions = {}) {
    this.origin = origin
    this.rpId = rpId
    this.#userVerified = userVerified
    this.#synced = synced
    this.#counts = counts
  }

  /** The credential ids it holds, newest last. */
  get credentialIds(): string[] {
    return [...this.#credentials.keys()]
  }

  /** `navigator.credentials.create()` with the server's creation options. */
  register(options: PasskeyCreationOptions, tamper: Tamper = {}): PasskeyRegistrationResponse {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    const jwk = publicKey.export({ format: 'jwk' })
    const coseKey = encodeCBOR(
      new Map<number, number | Uint8Array>([
        [1, 2], // kty: EC2
        [3, -7], // alg: ES256
        [-1, 1], // crv: P-256
        [-2, Buffer.from(jwk.x ?? '', 'base64url')],
        [-3, Buffer.from(jwk.y ?? '', 'base64url')],
      ]),
    )
    const id = randomBytes(16)
    const counter = this.#counts ? 1 : 0
    this.#credentials.set(b64(id), { privateKey, userHandle: options.user.id, counter })
    const idLength = Buffer.alloc(2)
    idLength.writeUInt16BE(id.length)
    const authData = Buffer.concat([
      sha256(tamper.rpId ?? this.rpId),
      Buffer.from([this.#flags(tamper) | AT]),
      u32(tamper.counter ?? counter),
      Buffer.alloc(16), // AAGUID: none
      idLength,
      id,
      coseKey,
    ])
    const clientDataJSON = this.#clientData('webauthn.create', options.challenge, tamper)
    const attestationObject = encodeCBOR(new Map<string, string | Uint8Array | Map<string, string>>([['fmt', 'none'], ['attStmt', new Map()], ['authData', authData]]))
    return {
      id: b64(id),
      rawId: b64(id),
      type: 'public-key',
      response: { clientDataJSON: b64(clientDataJSON), attestationObject: b64(attestationObject), transports: ['internal'] },
      authenticatorAttachment: 'platform',
      clientExtensionResults: {},
    }
  }

  /** `navigator.credentials.get()`: an assertion by `credentialId` (default: the newest credential). */
  assert(options: PasskeyRequestOptions, credentialId = this.credentialIds.at(-1), tamper: Tamper = {}): PasskeyAssertion {
    const credential = credentialId === undefined ? undefined : this.#credentials.get(credentialId)
    if (!credential || credentialId === undefined) throw new Error('the soft authenticator holds no such credential')
    if (this.#counts) credential.counter += 1
    const authData = Buffer.concat([sha256(tamper.rpId ?? this.rpId), Buffer.from([this.#flags(tamper)]), u32(tamper.counter ?? credential.counter)])
    const clientDataJSON = this.#clientData('webauthn.get', options.challenge, tamper)
    const signature = sign('sha256', Buffer.concat([authData, sha256(clientDataJSON)]), credential.privateKey)
    return {
      id: credentialId,
      rawId: credentialId,
      type: 'public-key',
      response: { clientDataJSON: b64(clientDataJSON), authenticatorData: b64(authData), signature: b64(signature), userHandle: credential.userHandle },
      authenticatorAttachment: 'platform',
      clientExtensionResults: {},
    }
  }

  #flags(tamper: Tamper): number {
    return UP | ((tamper.userVerified ?? this.#userVerified) ? UV : 0) | (this.#synced ? BE | BS : 0)
  }

  #clientData(type: string, challenge: string, tamper: Tamper): Buffer {
    return Buffer.from(JSON.stringify({ type: tamper.type ?? type, challenge: tamper.challenge ?? challenge, origin: tamper.origin ?? this.origin, crossOrigin: false }))
  }
}
