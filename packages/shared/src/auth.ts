import { Type, type Static } from 'typebox'
import { PASSWORD_MAX_LENGTH, USERNAME_MAX_LENGTH } from './limits.js'
import { User } from './user.js'
import { SecondFactorRequired } from './second-factor.js'

/**
 * Login form. The password is only length-capped here (not min-length) so that a
 * short wrong password gets the same `invalid_credentials` as any other wrong one.
 */
export const LoginRequest = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: USERNAME_MAX_LENGTH }),
    password: Type.String({ minLength: 1, maxLength: PASSWORD_MAX_LENGTH }),
    /** "Keep me signed in on this device": the session lasts `rememberMeSeconds` (see `LoginOptions`). */
    rememberMe: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
)
export type LoginRequest = Static<typeof LoginRequest>

/** `GET /api/auth/login`: what the sign-in form may offer. */
export const LoginOptions = Type.Object(
  {
    /** How long a "keep me signed in" session lasts at most, in seconds; 0 when the option is off. */
    rememberMeSeconds: Type.Integer({ minimum: 0 }),
    /** Whom to ask when the password is lost (`ADMIN_CONTACT`); absent when not configured. */
    adminContact: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
)
export type LoginOptions = Static<typeof LoginOptions>

/**
 * A restricted session: every route but the few that lift the restriction answers 403 with
 * this code, until the account changes its password (`password_change_required`) or enrols
 * a second factor (`second_factor_enrolment_required`). Judged by the server on every request.
 */
export const RestrictionSchema = Type.Union([Type.Literal('password_change_required'), Type.Literal('second_factor_enrolment_required')])

/** A freshly signed access token and who it belongs to. */
export const LoginResponse = Type.Object(
  {
    token: Type.String(),
    tokenType: Type.Literal('Bearer'),
    /** ISO 8601 instant after which the token is refused with `expired_token`. */
    expiresAt: Type.String({ format: 'date-time' }),
    user: User,
    /** Present while the session is restricted (see `RestrictionSchema`): where the client sends the person. */
    restriction: Type.Optional(RestrictionSchema),
  },
  { additionalProperties: false },
)
export type LoginResponse = Static<typeof LoginResponse>

/** `POST /api/auth/login`: signed in, or (right password, second factor on) the second step to take. */
export const LoginAnswer = Type.Union([LoginResponse, SecondFactorRequired])
export type LoginAnswer = Static<typeof LoginAnswer>

/** `GET /api/me`. */
export const MeResponse = Type.Object({ ...User.properties, restriction: Type.Optional(RestrictionSchema) }, { additionalProperties: false })
export type MeResponse = Static<typeof MeResponse>

/** `GET /api/health`. */
export const HealthResponse = Type.Object({ status: Type.Literal('ok') }, { additionalProperties: false })
export type HealthResponse = Static<typeof HealthResponse>

/**
 * The dependencies a readiness probe names when they cannot be reached; `data_dir` is
 * `DATA_DIR` refusing a new file (read-only, full, gone).
 */
export const Dependency = Type.Union([Type.Literal('postgres'), Type.Literal('redis'), Type.Literal('sqlite'), Type.Literal('data_dir')])
export type Dependency = Static<typeof Dependency>

/** `GET /api/health/ready` 503: which dependencies did not answer, or the instance is shedding load. */
export const ReadyUnavailableResponse = Type.Union([
  Type.Object({ status: Type.Literal('unavailable'), failing: Type.Array(Dependency, { minItems: 1 }) }, { additionalProperties: false }),
  Type.Object({ status: Type.Literal('overloaded') }, { additionalProperties: false }),
])
export type ReadyUnavailableResponse = Static<typeof ReadyUnavailableResponse>
