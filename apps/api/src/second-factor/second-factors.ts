import { createHash, randomBytes } from 'node:crypto'
import type { Clock } from '../clock.js'
import type { Engine } from '../store/engine.js'
import { TotpStore } from '../store/totp-store.js'
import { RecoveryCodeStore } from '../store/recovery-code-store.js'
import { SignInChallengeStore } from '../store/sign-in-challenge-store.js'
import { PasskeyStore, type NewPasskey } from '../store/passkey-store.js'
import type { Queryable } from '../store/tables.js'
import type { SignInChallengeRecord } from '../store/sign-in-challenge-store.js'
import type { WriteTransaction } from '../store/write-transaction.js'
import type { DataKeyRing } from './data-keys.js'
import { newTotpSecret, totpQrSvg, totpStep, totpUri } from './totp.js'
import { hashRecoveryCode, newRecoveryCodes, recoveryCodeMatches } from './recovery-codes.js'

/** How long the second step of a sign-in may wait after the password. */
export const CHALLENGE_LIFETIME_MS = 5 * 60 * 1000
/** Wrong codes one challenge takes before it is void (the throttle counts them too). */
export const CHALLENGE_MAX_FAILURES = 5

const sha256 = (text: string): string => createHash('sha256').update(text).digest('base64url')
/** Ties a challenge to the password it was issued after: a changed password voids it. */
export const credentialStamp = (passwordHash: string): string => sha256(`stamp:${passwordHash}`)
const sealContext = (userId: number): string => `totp:${userId}`

/**
 * A person's second factors: the authenticator app (TOTP), passkeys, recovery codes, and
 * the pending second step of a sign-in. Reads take no transaction; what accepts a code runs
 * in the caller's write transaction, so single use holds across instances.
 */
export class SecondFactors {
  readonly totp: TotpStore
  readonly recoveryCodes: RecoveryCodeStore
  readonly passkeys: PasskeyStore
  readonly challenges: SignInChallengeStore
  readonly #ring: DataKeyRing
  readonly #clock: Clock

  constructor(engine: Engine, ring: DataKeyRing, clock: Clock) {
    this.totp = new TotpStore(engine)
    this.recoveryCodes = new RecoveryCodeStore(engine)
    this.passkeys = new PasskeyStore(engine)
    this.challenges = new SignInChallengeStore(engine)
    this.#ring = ring
    this.#clock = clock
  }

  /** Whether the account must show a second factor after its password: an authenticator app or a passkey. */
  async required(userId: number, q?: Queryable): Promise<boolean> {
    return (await this.totpEnabled(userId, q)) || (await this.passkeys.countByUser(userId, q)) > 0
  }

  /** Whether the authenticator app is on (enrolled and confirmed). */
  async totpEnabled(userId: number, q?: Queryable): Promise<boolean> {
    return (await this.totp.find(userId, q))?.enabledAt != null
  }

  /**
   * Stores a verified passkey; its id and the recovery codes when it is the account's first
   * factor (empty if it had a set), or null when the credential is already registered.
   */
  async addPasskey(passkey: NewPasskey, tx: WriteTransaction): Promise<{ id: number; recoveryCodes: string[] } | null> {
    const id = await this.passkeys.add(passkey, tx)
    if (id === undefined) return null
    if ((await this.recoveryCodes.unused(passkey.userId, tx)).length > 0) return { id, recoveryCodes: [] }
    return { id, recoveryCodes: await this.#replaceRecoveryCodes(passkey.userId, tx) }
  }

  /** Removes a passkey; with the last factor go the recovery codes and pending sign-ins. */
  async removePasskey(userId: number, id: number, tx: WriteTransaction): Promise<boolean> {
    if (!(await this.passkeys.remove(userId, id, tx))) return false
    await this.#forgetIfNoFactorLeft(userId, tx)
    return true
  }

  /** A new pending secret (sealed in the database) and what the person scans; null when TOTP is already on. */
  async beginTotp(userId: number, username: string, issuer: string, tx: WriteTransaction): Promise<{ secret: string; uri: string; qrSvg: string } | null> {
    const secret = newTotpSecret()
    if (!(await this.totp.beginEnrolment(userId, this.#ring.seal(secret, sealContext(userId)), this.#clock(), tx))) return null
    const uri = totpUri(secret, issuer, username)
    return { secret, uri, qrSvg: totpQrSvg(uri) }
  }

  /**
   * Turns the pending factor on when `code` is valid for it; the recovery codes when this is
   * the account's first factor (empty if it had a set), or null for a wrong code or nothing pending.
   */
  async confirmTotp(userId: number, code: string, tx: WriteTransaction): Promise<string[] | null> {
    const pending = await this.totp.find(userId, tx)
    if (!pending || pending.enabledAt !== null) return null
    const step = totpStep(this.#ring.open(pending.secret, sealContext(userId)), code, this.#clock())
    if (step === null || !(await this.totp.enable(userId, step, this.#clock(), tx))) return null
    if ((await this.recoveryCodes.unused(userId, tx)).length > 0) return []
    return this.#replaceRecoveryCodes(userId, tx)
  }

  /**
   * Accepts `code` once: valid within a step of now, and of a later step than any code
   * accepted before for this account. A secret sealed with an older data key is re-sealed
   * with the current one in the same write.
   */
  async acceptTotp(userId: number, code: string, tx: WriteTransaction): Promise<boolean> {
    const factor = await this.totp.find(userId, tx)
    if (!factor || factor.enabledAt === null) return false
    const step = totpStep(this.#ring.open(factor.secret, sealContext(userId)), code, this.#clock())
    if (step === null) return false
    const resealed = this.#ring.isStale(factor.secret) ? this.#ring.seal(this.#ring.open(factor.secret, sealContext(userId)), sealContext(userId)) : undefined
    return this.totp.acceptStep(userId, step, tx, resealed)
  }

  /** Uses up the recovery code `typed` if it is one of the account's unused ones. */
  async acceptRecoveryCode(userId: number, typed: string, tx: WriteTransaction): Promise<boolean> {
    // Every stored code is compared (each in constant time), so the time says nothing of which matched.
    let match: number | undefined
    for (const stored of await this.recoveryCodes.unused(userId, tx)) {
      if (recoveryCodeMatches(stored.codeHash, typed)) match ??= stored.id
    }
    return match !== undefined && this.recoveryCodes.markUsed(match, this.#clock(), tx)
  }

  /** A new set of recovery codes; every older one is void. */
  regenerateRecoveryCodes(userId: number, tx: WriteTransaction): Promise<string[]> {
    return this.#replaceRecoveryCodes(userId, tx)
  }

  /** Turns the authenticator app off; when no passkey is left either, the recovery codes and pending sign-ins go too. */
  async disableTotp(userId: number, tx: WriteTransaction): Promise<boolean> {
    const removed = await this.totp.remove(userId, tx)
    await this.#forgetIfNoFactorLeft(userId, tx)
    return removed
  }

  /**
   * An admin's reset for a person who lost every factor: the authenticator app, every
   * passkey, the recovery codes and pending sign-ins go. True when there was a factor.
   */
  async resetAll(userId: number, tx: WriteTransaction): Promise<boolean> {
    const totp = await this.totp.remove(userId, tx)
    const passkeys = await this.passkeys.removeAllOf(userId, tx)
    await this.#forgetIfNoFactorLeft(userId, tx)
    return totp || passkeys > 0
  }

  async #forgetIfNoFactorLeft(userId: number, tx: WriteTransaction): Promise<void> {
    if (await this.required(userId, tx)) return
    await this.recoveryCodes.removeAll(userId, tx)
    await this.challenges.removeForUser(userId, tx)
  }

  /** Opens the second step of a sign-in; the challenge the client holds (the table keeps its hash). */
  async openChallenge(user: { id: number; passwordHash: string }, remember: boolean, tx: WriteTransaction): Promise<{ challenge: string; expiresAt: number }> {
    const challenge = randomBytes(32).toString('base64url')
    const expiresAt = this.#clock() + CHALLENGE_LIFETIME_MS
    await this.challenges.create({ idHash: sha256(challenge), userId: user.id, credentialStamp: credentialStamp(user.passwordHash), remember, expiresAt }, tx)
    return { challenge, expiresAt }
  }

  /** The challenge if it exists and has not expired. */
  async findChallenge(challenge: string, tx?: WriteTransaction): Promise<SignInChallengeRecord | undefined> {
    const found = await this.challenges.find(sha256(challenge), tx)
    return found && found.expiresAt > this.#clock() ? found : undefined
  }

  async #replaceRecoveryCodes(userId: number, tx: WriteTransaction): Promise<string[]> {
    const codes = newRecoveryCodes()
    await this.recoveryCodes.replace(userId, codes.map(hashRecoveryCode), this.#clock(), tx)
    return codes
  }
}
