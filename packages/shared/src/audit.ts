import { AUDIT_PAGE_MAX } from './limits.js'
import { AuditDetail } from './audit-reasons.js'
import { ClientDescription } from './client-description.js'
import { Type, type Static } from 'typebox'

/** Every kind of security event the audit log records. */
export const AuditKind = Type.Union([
  Type.Literal('login_succeeded'),
  Type.Literal('login_failed'),
  Type.Literal('logout'),
  Type.Literal('token_renewed'),
  Type.Literal('renewal_replayed'),
  Type.Literal('session_ended'),
  Type.Literal('password_changed'),
  Type.Literal('password_reset'),
  Type.Literal('user_disabled'),
  Type.Literal('user_enabled'),
  Type.Literal('user_created'),
  Type.Literal('user_roles_changed'),
  Type.Literal('user_deleted'),
  Type.Literal('key_not_found'),
  Type.Literal('setup_completed'),
  Type.Literal('totp_enabled'),
  Type.Literal('totp_disabled'),
  Type.Literal('recovery_codes_regenerated'),
  Type.Literal('recovery_code_used'),
  Type.Literal('second_factor_failed'),
  /** A sign-in refused unchecked (429) because its account or address must wait. */
  Type.Literal('login_throttled'),
  Type.Literal('passkey_added'),
  Type.Literal('passkey_renamed'),
  Type.Literal('passkey_removed'),
  Type.Literal('second_factors_reset'),
  Type.Literal('step_up_succeeded'),
  Type.Literal('step_up_failed'),
])
export type AuditKind = Static<typeof AuditKind>

/** One recorded event. Tokens and session ids appear only as a short hash. */
export const AuditEvent = Type.Object(
  {
    id: Type.Integer({ minimum: 1 }),
    at: Type.String({ format: 'date-time' }),
    kind: AuditKind,
    userId: Type.Union([Type.Integer(), Type.Null()]),
    username: Type.Union([Type.String(), Type.Null()]),
    ip: Type.Union([Type.String(), Type.Null()]),
    userAgent: Type.Union([Type.String(), Type.Null()]),
    /** The user agent read as the Sessions view reads it; null without one. */
    client: Type.Union([ClientDescription, Type.Null()]),
    /** First 12 hex digits of SHA-256 of the session handle or token concerned. */
    ref: Type.Union([Type.String(), Type.Null()]),
    /** Why, or who caused it: a reason code with its parameters (`AuditDetail`); shown to admins only. */
    detail: Type.Union([AuditDetail, Type.Null()]),
  },
  { additionalProperties: false },
)
export type AuditEvent = Static<typeof AuditEvent>

/** `GET /api/audit` query: newest first; `before` is the `nextBefore` of the previous page. */
export const AuditQuery = Type.Object(
  {
    userId: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,14}$' })),
    kind: Type.Optional(AuditKind),
    /** Leaves out one kind (the app hides `token_renewed`, which every reload writes, unless asked). */
    excludeKind: Type.Optional(AuditKind),
    before: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,14}$' })),
    /** 1 to `AUDIT_PAGE_MAX` (checked by the route, since a pattern cannot name the constant). */
    limit: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,5}$', description: `1 to ${AUDIT_PAGE_MAX}` })),
  },
  { additionalProperties: false },
)
export type AuditQuery = Static<typeof AuditQuery>

export const AuditPage = Type.Object(
  {
    events: Type.Array(AuditEvent),
    /** Pass as `before` for the next (older) page; null on the last page. */
    nextBefore: Type.Union([Type.String(), Type.Null()]),
  },
  { additionalProperties: false },
)
export type AuditPage = Static<typeof AuditPage>

/** Where and when someone signed in to my account, or tried to: for the Overview. */
export const MySignIn = Type.Object(
  {
    at: Type.String({ format: 'date-time' }),
    /** False for a refused password or second factor. */
    succeeded: Type.Boolean(),
    ip: Type.Union([Type.String(), Type.Null()]),
    client: Type.Union([ClientDescription, Type.Null()]),
  },
  { additionalProperties: false },
)
export type MySignIn = Static<typeof MySignIn>

/** `GET /api/me/sign-ins`: my most recent sign-ins and refused tries, newest first. */
export const MySignIns = Type.Object({ signIns: Type.Array(MySignIn) }, { additionalProperties: false })
export type MySignIns = Static<typeof MySignIns>
