import { Type, type Static } from 'typebox'

// The WebAuthn JSON shapes (WebAuthn Level 3, as @simplewebauthn gives and takes them).
// Responses from the browser are validated loosely (the library checks every byte that
// matters); what the server sends is described in full, so nothing is dropped on the way.

const Base64Url = Type.String({ minLength: 1, maxLength: 8192, pattern: '^[A-Za-z0-9_-]+={0,2}$' })
const UserVerification = Type.Union([Type.Literal('required'), Type.Literal('preferred'), Type.Literal('discouraged')])
const Hint = Type.Union([Type.Literal('hybrid'), Type.Literal('security-key'), Type.Literal('client-device')])
const CredentialDescriptor = Type.Object(
  { id: Type.String(), type: Type.String(), transports: Type.Optional(Type.Array(Type.String())) },
  { additionalProperties: false },
)

/** `POST /api/me/passkeys/options`: what `navigator.credentials.create()` takes, as JSON. */
export const PasskeyCreationOptions = Type.Object(
  {
    rp: Type.Object({ name: Type.String(), id: Type.Optional(Type.String()) }, { additionalProperties: false }),
    user: Type.Object({ id: Type.String(), name: Type.String(), displayName: Type.String() }, { additionalProperties: false }),
    challenge: Type.String(),
    pubKeyCredParams: Type.Array(Type.Object({ alg: Type.Number(), type: Type.Literal('public-key') }, { additionalProperties: false })),
    timeout: Type.Optional(Type.Number()),
    excludeCredentials: Type.Optional(Type.Array(CredentialDescriptor)),
    authenticatorSelection: Type.Optional(
      Type.Object(
        {
          authenticatorAttachment: Type.Optional(Type.Union([Type.Literal('platform'), Type.Literal('cross-platform')])),
          requireResidentKey: Type.Optional(Type.Boolean()),
          residentKey: Type.Optional(Type.Union([Type.Literal('required'), Type.Literal('preferred'), Type.Literal('discouraged')])),
          userVerification: Type.Optional(UserVerification),
        },
        { additionalProperties: false },
      ),
    ),
    hints: Type.Optional(Type.Array(Hint)),
    attestation: Type.Optional(Type.Union([Type.Literal('direct'), Type.Literal('enterprise'), Type.Literal('indirect'), Type.Literal('none')])),
    extensions: Type.Optional(Type.Object({ credProps: Type.Optional(Type.Boolean()) }, { additionalProperties: false })),
  },
  { additionalProperties: false },
)
export type PasskeyCreationOptions = Static<typeof PasskeyCreationOptions>

/** What `navigator.credentials.get()` takes, as JSON: a passkey sign-in or second factor. */
export const PasskeyRequestOptions = Type.Object(
  {
    challenge: Type.String(),
    timeout: Type.Optional(Type.Number()),
    rpId: Type.Optional(Type.String()),
    allowCredentials: Type.Optional(Type.Array(CredentialDescriptor)),
    userVerification: Type.Optional(UserVerification),
    hints: Type.Optional(Type.Array(Hint)),
  },
  { additionalProperties: false },
)
export type PasskeyRequestOptions = Static<typeof PasskeyRequestOptions>

const ClientExtensionResults = Type.Object({}, { additionalProperties: true })
const Attachment = Type.Optional(Type.Union([Type.Literal('platform'), Type.Literal('cross-platform')]))

/** The browser's registration response (`RegistrationResponseJSON`). */
export const PasskeyRegistrationResponse = Type.Object(
  {
    id: Base64Url,
    rawId: Base64Url,
    type: Type.Literal('public-key'),
    response: Type.Object(
      {
        clientDataJSON: Base64Url,
        attestationObject: Base64Url,
        authenticatorData: Type.Optional(Base64Url),
        transports: Type.Optional(Type.Array(Type.String({ maxLength: 32 }), { maxItems: 16 })),
        publicKeyAlgorithm: Type.Optional(Type.Number()),
        publicKey: Type.Optional(Base64Url),
      },
      { additionalProperties: true },
    ),
    authenticatorAttachment: Attachment,
    clientExtensionResults: ClientExtensionResults,
  },
  { additionalProperties: true },
)
export type PasskeyRegistrationResponse = Static<typeof PasskeyRegistrationResponse>

/** The browser's authentication response (`AuthenticationResponseJSON`): an assertion. */
export const PasskeyAssertion = Type.Object(
  {
    id: Base64Url,
    rawId: Base64Url,
    type: Type.Literal('public-key'),
    response: Type.Object(
      {
        clientDataJSON: Base64Url,
        authenticatorData: Base64Url,
        signature: Base64Url,
        userHandle: Type.Optional(Type.String({ maxLength: 128 })),
      },
      { additionalProperties: true },
    ),
    authenticatorAttachment: Attachment,
    clientExtensionResults: ClientExtensionResults,
  },
  { additionalProperties: true },
)
export type PasskeyAssertion = Static<typeof PasskeyAssertion>

/** The name a person gives a passkey ("Laptop", "Phone"). */
export const PasskeyName = Type.String({ minLength: 1, maxLength: 64, pattern: '\\S' })

/** `POST /api/me/passkeys`. */
export const PasskeyAddRequest = Type.Object({ name: PasskeyName, response: PasskeyRegistrationResponse }, { additionalProperties: false })
export type PasskeyAddRequest = Static<typeof PasskeyAddRequest>

/** `PATCH /api/me/passkeys/:id`. */
export const PasskeyRenameRequest = Type.Object({ name: PasskeyName }, { additionalProperties: false })
export type PasskeyRenameRequest = Static<typeof PasskeyRenameRequest>

/** `/api/me/passkeys/:id`: path ids arrive as text; digits only, no sign, no leading zero, at most 15 digits. */
export const PasskeyIdParams = Type.Object({ id: Type.String({ pattern: '^[1-9][0-9]{0,14}$' }) }, { additionalProperties: false })
export type PasskeyIdParams = Static<typeof PasskeyIdParams>

/** One passkey as the profile lists it. */
export const PasskeySummary = Type.Object(
  {
    id: Type.Integer({ minimum: 1 }),
    name: Type.String(),
    createdAt: Type.String({ format: 'date-time' }),
    lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  },
  { additionalProperties: false },
)
export type PasskeySummary = Static<typeof PasskeySummary>

/** `POST /api/me/passkeys`: the passkey stored, and recovery codes when it is the account's first second factor. */
export const PasskeyAdded = Type.Object({ passkey: PasskeySummary, recoveryCodes: Type.Array(Type.String()) }, { additionalProperties: false })
export type PasskeyAdded = Static<typeof PasskeyAdded>

/** `POST /api/auth/passkey`. */
export const PasskeyLoginRequest = Type.Object({ response: PasskeyAssertion, rememberMe: Type.Optional(Type.Boolean()) }, { additionalProperties: false })
export type PasskeyLoginRequest = Static<typeof PasskeyLoginRequest>
