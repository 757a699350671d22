import { createHash } from 'node:crypto'
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server'
import type { PasskeyAssertion, PasskeyCreationOptions, PasskeyRegistrationResponse, PasskeyRequestOptions } from '@tokenauth/shared'
import type { Clock } from '../clock.js'
import type { RelyingParty } from '../config/config.js'
import type { Engine } from '../store/engine.js'
import type { NewPasskey, PasskeyRecord, PasskeyStore, PasskeyUse } from '../store/passkey-store.js'
import { WebauthnChallengeStore, type WebauthnPurpose } from '../store/webauthn-challenge-store.js'
import { inWriteTransaction, NO_SESSION, type WriteTransaction } from '../store/write-transaction.js'

/** How long a ceremony may take from its options to its response. */
export const WEBAUTHN_CHALLENGE_LIFETIME_MS = 5 * 60 * 1000

/** Why a response was not accepted (audit reason codes follow from it). */
export type PasskeyRefusal = 'unknown_passkey' | 'passkey_not_verified'

export type AssertionResult =
  | { readonly ok: true; readonly passkey: PasskeyRecord; readonly use: PasskeyUse; readonly userVerified: boolean }
  | { readonly ok: false; readonly reason: PasskeyRefusal; readonly userId?: number }

const sha256 = (text: string): string => createHash('sha256').update(text).digest('base64url')

/**
 * The WebAuthn handle of an account: stable for the account, says nothing of it, and differs
 * for a later account that gets the same numeric id.
 */
export function webauthnUserHandle(user: { id: number; createdAt: number }): Uint8Array<ArrayBuffer> {
  return new Uint8Array(createHash('sha256').update(`webauthn-user:${user.id}:${user.createdAt}`).digest().subarray(0, 16))
}

/**
 * Passkey ceremonies with @simplewebauthn/server: creation and request options, and the
 * verification of what the browser answers. Every challenge is kept (hashed) in the
 * database with its purpose and account, and taken (deleted) by the verification that
 * reads it: single-use on every instance, and a response from another ceremony finds nothing.
 */
export class PasskeyCeremonies {
  readonly challenges = new WebauthnChallengeStore()
  readonly #engine: Engine
  readonly #clock: Clock
  readonly #rp: RelyingParty | undefined
  readonly #store: PasskeyStore

  constructor(engine: Engine, clock: Clock, rp: RelyingParty | undefined, store: PasskeyStore) {
    this.#engine = engine
    this.#clock = clock
    this.#rp = rp
    this.#store = store
  }

  /** Whether passkeys can work here (false when the site's address is an IP address). */
  get available(): boolean {
    return this.#rp !== undefined
  }

  /** Options for adding a passkey to `user`; its existing passkeys are excluded. */
  async creationOptions(user: { id: number; username: string; createdAt: number }, tx: WriteTransaction): Promise<PasskeyCreationOptions> {
    const rp = this.#relyingParty()
    const existing = await this.#store.listByUser(user.id, tx)
    const options = await generateRegistrationOptions({
      rpName: rp.name,
      rpID: rp.id,
      userName: user.username,
      userDisplayName: user.username,
      userID: webauthnUserHandle(user),
      attestationType: 'none',
      excludeCredentials: existing.map((passkey) => ({ id: passkey.credentialId, transports: [...passkey.transports] })),
      // Discoverable, so that "Sign in with a passkey" needs no username.
      authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
    })
    await this.#keepChallenge(options.challenge, 'register', user.id, tx)
    return {
      ...options,
      pubKeyCredParams: options.pubKeyCredParams.map((param) => ({ alg: param.alg, type: 'public-key' as const })),
      ...(options.excludeCredentials ? { excludeCredentials: options.excludeCredentials.map(({ id, type, transports }) => ({ id, type, ...(transports ? { transports } : {}) })) } : {}),
    }
  }

  /** Options for a passkey sign-in (`userId` null: discoverable) or a second step (`userId`: its passkeys). */
  async requestOptions(purpose: Exclude<WebauthnPurpose, 'register'>, userId: number | null, tx: WriteTransaction): Promise<PasskeyRequestOptions> {
    const rp = this.#relyingParty()
    const allowed = userId === null ? [] : await this.#store.listByUser(userId, tx)
    const options = await generateAuthenticationOptions({
      rpID: rp.id,
      allowCredentials: allowed.map((passkey) => ({ id: passkey.credentialId, transports: [...passkey.transports] })),
      userVerification: 'preferred',
    })
    await this.#keepChallenge(options.challenge, purpose, userId, tx)
    const { challenge, timeout, rpId, allowCredentials, userVerification } = options
    return {
      challenge,
      ...(timeout === undefined ? {} : { timeout }),
      ...(rpId === undefined ? {} : { rpId }),
      ...(allowCredentials && allowCredentials.length > 0 ? { allowCredentials: allowCredentials.map(({ id, type, transports }) => ({ id, type, ...(transports ? { transports } : {}) })) } : {}),
      ...(userVerification === undefined ? {} : { userVerification }),
    }
  }

  /** The passkey a registration response makes for `user`, or null when it does not verify. */
  async verifyRegistration(
    user: { id: number; createdAt: number },
    response: PasskeyRegistrationResponse,
  ): Promise<Omit<NewPasskey, 'name' | 'createdAt'> | null> {
    const rp = this.#relyingParty()
    try {
      const verified = await verifyRegistrationResponse({
        response: toRegistrationJson(response),
        expectedChallenge: (challenge) => this.#takeChallenge(challenge, 'register', user.id),
        expectedOrigin: [...rp.origins],
        expectedRPID: rp.id,
        requireUserVerification: false,
      })
      if (!verified.verified) return null
      const { credential, credentialDeviceType, credentialBackedUp } = verified.registrationInfo
      return {
        userId: user.id,
        credentialId: credential.id,
        publicKey: Buffer.from(credential.publicKey).toString('base64url'),
        counter: credential.counter,
        transports: response.response.transports ?? [],
        deviceType: credentialDeviceType,
        backedUp: credentialBackedUp,
      }
    } catch {
      // The library throws for every malformed or mismatched response: the client gets a 4xx.
      return null
    }
  }

  /**
   * Verifies an assertion made for `purpose`; `userId` binds it to an account (the second
   * step of a sign-in), null lets the passkey name its account (a discoverable sign-in).
   */
  async verifyAssertion(purpose: Exclude<WebauthnPurpose, 'register'>, userId: number | null, response: PasskeyAssertion, owner: (userId: number) => Promise<{ id: number; createdAt: number } | undefined>): Promise<AssertionResult> {
    const rp = this.#relyingParty()
    const passkey = await this.#store.findByCredentialId(response.id)
    if (!passkey) return { ok: false, reason: 'unknown_passkey' }
    const refused = { ok: false, reason: 'passkey_not_verified', userId: passkey.userId } as const
    if (userId !== null && passkey.userId !== userId) return refused
    const account = await owner(passkey.userId)
    if (!account) return { ok: false, reason: 'unknown_passkey' }
    const handle = response.response.userHandle
    if (handle !== undefined && handle !== Buffer.from(webauthnUserHandle(account)).toString('base64url')) return refused
    try {
      const verified = await verifyAuthenticationResponse({
        response: toAuthenticationJson(response),
        expectedChallenge: (challenge) => this.#takeChallenge(challenge, purpose, userId),
        expectedOrigin: [...rp.origins],
        expectedRPID: rp.id,
        credential: { id: passkey.credentialId, publicKey: new Uint8Array(Buffer.from(passkey.publicKey, 'base64url')), counter: passkey.counter, transports: [...passkey.transports] },
        requireUserVerification: false,
      })
      if (!verified.verified) return refused
      const info = verified.authenticationInfo
      return {
        ok: true,
        passkey,
        userVerified: info.userVerified,
        use: { counter: info.newCounter, backedUp: info.credentialBackedUp, deviceType: info.credentialDeviceType, at: this.#clock() },
      }
    } catch {
      // A bad signature, a counter gone backwards (a cloned authenticator), another origin, a stale challenge…
      return refused
    }
  }

  #relyingParty(): RelyingParty {
    if (!this.#rp) throw new Error('passkeys are off: the relying party needs a domain name (PUBLIC_URL is an IP address)')
    return this.#rp
  }

  async #keepChallenge(challenge: string, purpose: WebauthnPurpose, userId: number | null, tx: WriteTransaction): Promise<void> {
    await this.challenges.create({ challengeHash: sha256(challenge), purpose, userId, expiresAt: this.#clock() + WEBAUTHN_CHALLENGE_LIFETIME_MS }, tx)
  }

  /** Called by the library with the challenge the browser signed: taken here, so a second try finds nothing. */
  #takeChallenge(challenge: string, purpose: WebauthnPurpose, userId: number | null): Promise<boolean> {
    return inWriteTransaction(this.#engine, NO_SESSION, (tx) => this.challenges.take(sha256(challenge), purpose, userId, this.#clock(), tx))
  }
}

function toRegistrationJson(response: PasskeyRegistrationResponse): RegistrationResponseJSON {
  const { clientDataJSON, attestationObject, authenticatorData, transports, publicKeyAlgorithm, publicKey } = response.response
  return {
    id: response.id,
    rawId: response.rawId,
    type: response.type,
    response: {
      clientDataJSON,
      attestationObject,
      ...(authenticatorData === undefined ? {} : { authenticatorData }),
      ...(transports === undefined ? {} : { transports }),
      ...(publicKeyAlgorithm === undefined ? {} : { publicKeyAlgorithm }),
      ...(publicKey === undefined ? {} : { publicKey }),
    },
    ...(response.authenticatorAttachment === undefined ? {} : { authenticatorAttachment: response.authenticatorAttachment }),
    clientExtensionResults: {},
  }
}

function toAuthenticationJson(response: PasskeyAssertion): AuthenticationResponseJSON {
  const { clientDataJSON, authenticatorData, signature, userHandle } = response.response
  return {
    id: response.id,
    rawId: response.rawId,
    type: response.type,
    response: { clientDataJSON, authenticatorData, signature, ...(userHandle === undefined ? {} : { userHandle }) },
    ...(response.authenticatorAttachment === undefined ? {} : { authenticatorAttachment: response.authenticatorAttachment }),
    clientExtensionResults: {},
  }
}
