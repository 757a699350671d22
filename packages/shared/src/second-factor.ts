import { Type, type Static } from 'typebox'
import { PasskeyAssertion, PasskeyRequestOptions, PasskeySummary } from './passkeys.js'

/** Six digits from an authenticator app. */
export const TotpCode = Type.String({ pattern: '^[0-9]{6}$' })

/** A recovery code as printed (`xxxx-xxxx-xxxx`), typed in any case, with or without dashes. */
export const RecoveryCode = Type.String({ minLength: 12, maxLength: 20, pattern: '^[0-9A-Za-z -]+$' })

/** The second factors a sign-in may finish with. */
export const SecondFactorMethod = Type.Union([Type.Literal('totp'), Type.Literal('passkey'), Type.Literal('recovery_code')])
export type SecondFactorMethod = Static<typeof SecondFactorMethod>

/**
 * `POST /api/auth/login` for an account with a second factor, after a right password: no
 * session and no token yet. `challenge` goes with the code to `POST /api/auth/login/second-factor`.
 */
export const SecondFactorRequired = Type.Object(
  {
    mfaRequired: Type.Literal(true),
    /** Single-use, bound to the account, void after `expiresAt`, a password change or a disable. */
    challenge: Type.String(),
    methods: Type.Array(SecondFactorMethod),
    expiresAt: Type.String({ format: 'date-time' }),
    /** When the account has passkeys: what `navigator.credentials.get()` takes for this sign-in. */
    passkeyOptions: Type.Optional(PasskeyRequestOptions),
  },
  { additionalProperties: false },
)
export type SecondFactorRequired = Static<typeof SecondFactorRequired>

/** `POST /api/auth/login/second-factor`: the challenge and one factor. */
export const SecondFactorLoginRequest = Type.Union([
  Type.Object({ challenge: Type.String({ minLength: 1, maxLength: 128 }), totp: TotpCode }, { additionalProperties: false }),
  Type.Object({ challenge: Type.String({ minLength: 1, maxLength: 128 }), recoveryCode: RecoveryCode }, { additionalProperties: false }),
  Type.Object({ challenge: Type.String({ minLength: 1, maxLength: 128 }), passkey: PasskeyAssertion }, { additionalProperties: false }),
])
export type SecondFactorLoginRequest = Static<typeof SecondFactorLoginRequest>

/** `GET /api/me/second-factors`. */
export const SecondFactorStatus = Type.Object(
  {
    totp: Type.Object({ enabled: Type.Boolean() }, { additionalProperties: false }),
    passkeys: Type.Array(PasskeySummary),
    recoveryCodesLeft: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
)
export type SecondFactorStatus = Static<typeof SecondFactorStatus>

/** `POST /api/me/second-factors/totp`: nothing is on until a code confirms it. */
export const TotpEnrolment = Type.Object(
  {
    /** Base32, for typing into an app that cannot scan. */
    secret: Type.String(),
    /** `otpauth://totp/<issuer>:<username>?…`. */
    uri: Type.String(),
    /** The URI as a QR code, an SVG document. */
    qrSvg: Type.String(),
  },
  { additionalProperties: false },
)
export type TotpEnrolment = Static<typeof TotpEnrolment>

/** `POST /api/me/second-factors/totp/confirm`. */
export const TotpConfirmRequest = Type.Object({ code: TotpCode }, { additionalProperties: false })
export type TotpConfirmRequest = Static<typeof TotpConfirmRequest>

/** Ten new recovery codes, shown once; empty when the account already had a set. */
export const RecoveryCodesResponse = Type.Object(
  { recoveryCodes: Type.Array(Type.String()) },
  { additionalProperties: false },
)
export type RecoveryCodesResponse = Static<typeof RecoveryCodesResponse>

/**
 * `POST /api/auth/step-up`: one fresh proof, for a new access token of the same session
 * (RFC 9470). With a second factor on the account, the password alone is refused (403
 * `second_factor_required`). `{ passkey }` is the assertion for the challenge of
 * `POST /api/auth/step-up/options`.
 */
export const StepUpRequest = Type.Union([
  Type.Object({ passkey: PasskeyAssertion }, { additionalProperties: false }),
  Type.Object({ password: Type.String({ minLength: 1, maxLength: 256 }) }, { additionalProperties: false }),
  Type.Object({ totp: TotpCode }, { additionalProperties: false }),
  Type.Object({ recoveryCode: RecoveryCode }, { additionalProperties: false }),
])
export type StepUpRequest = Static<typeof StepUpRequest>

/** The proof a step-up takes, as `StepUpRequest` names it (the web's dialog offers them in this order). */
export type StepUpMethod = 'passkey' | 'totp' | 'recoveryCode' | 'password'
