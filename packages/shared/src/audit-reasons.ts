import { Type, type Static, type TObject, type TProperties } from 'typebox'

/** A reason with no parameters: `{ reason }`. */
function plain<R extends string>(reason: R) {
  return Type.Object({ reason: Type.Literal(reason) }, { additionalProperties: false })
}

/** A reason with typed parameters: `{ reason, params }`. */
function withParams<R extends string, P extends TProperties>(reason: R, params: P) {
  return Type.Object(
    { reason: Type.Literal(reason), params: Type.Object(params, { additionalProperties: false }) as TObject<P> },
    { additionalProperties: false },
  )
}

const count = Type.Integer({ minimum: 0 })
/** The acting admin's username, as it was then. */
const actor = Type.String()
/** Role names are data: the app shows them as the users page does. */
const roles = Type.Array(Type.String())

/** The user-management action an admin's own password was asked for (events recorded before step-up replaced it). */
export const AdminActionName = Type.Union([
  Type.Literal('create_user'),
  Type.Literal('set_roles'),
  Type.Literal('delete_user'),
  Type.Literal('disable_user'),
  Type.Literal('enable_user'),
  Type.Literal('end_sessions'),
  Type.Literal('reset_password'),
])
export type AdminActionName = Static<typeof AdminActionName>

/**
 * Why an audit event happened, or who caused it: a code from this closed list with typed
 * parameters. The server writes codes, never words; each language's words live in the
 * app's message files (`audit.reasons.<code>`).
 */
export const AuditDetail = Type.Union([
  // A sign-in or a password check failed (`login_failed`).
  plain('unknown_user'),
  plain('wrong_password'),
  /** The account is disabled: a refused sign-in, or a session ended by the disable. */
  plain('user_disabled'),
  /** The password changed or the account was disabled while the sign-in was being checked. */
  plain('credentials_changed'),
  /** The current password given to change one's own password was wrong. */
  plain('wrong_current_password'),
  /** An admin's own password, asked for an admin-level action, was wrong (recorded before step-up replaced it). */
  withParams('wrong_admin_password', { action: AdminActionName }),
  /** `login_throttled`: nothing was checked; the next try was allowed this many seconds later. */
  withParams('throttled', { retryAfterSeconds: Type.Integer({ minimum: 1 }) }),
  // A session ended (`session_ended`).
  plain('idle_timeout'),
  plain('absolute_timeout'),
  /** Kept for events recorded before reasons were codes. */
  plain('no_session'),
  /** Its user ended it from the devices page; `here`: from that very session. */
  withParams('ended_by_user', { here: Type.Boolean() }),
  /** A sign-in past `MAX_SESSIONS_PER_USER` ended this, its user's least recently used session. */
  plain('session_limit'),
  /** Its user signed out every other device. */
  withParams('others_ended_by_user', { count }),
  /** A password change ended the user's other sessions (`password_changed`). */
  withParams('others_ended', { count }),
  /** An admin ended every session of the user. */
  withParams('all_ended_by_admin', { actor, count }),
  // An admin acted on an account.
  /** `user_enabled`, `user_deleted`. */
  withParams('by_admin', { actor }),
  /** `user_disabled`, `password_reset`: the user's sessions ended with it. */
  withParams('by_admin_sessions_ended', { actor, count }),
  withParams('created_by_admin', { actor, roles }),
  /** `user_created`, `password_reset` with "must change the password at first sign-in". */
  withParams('created_by_admin_must_change', { actor, roles }),
  withParams('by_admin_must_change', { actor, count }),
  withParams('roles_changed_by_admin', { actor, from: roles, to: roles }),
  // Second factors.
  /** `login_succeeded` after the password and an authenticator-app code. */
  plain('with_totp'),
  /** `login_succeeded` after the password and a recovery code; `recovery_code_used` says how many are left. */
  plain('with_recovery_code'),
  withParams('recovery_codes_left', { count }),
  /** `second_factor_failed`: a wrong or reused code at sign-in. */
  plain('wrong_totp'),
  plain('wrong_recovery_code'),
  /** `second_factor_failed`: turning the authenticator app off with a wrong password or code (recorded before step-up replaced that proof). */
  plain('wrong_password_on_disable'),
  plain('wrong_totp_on_disable'),
  /** `login_succeeded` with a passkey alone; `verified`: the authenticator checked the person (two factors). */
  withParams('with_passkey', { verified: Type.Boolean() }),
  /** `login_succeeded` after the password and a passkey. */
  plain('with_passkey_second_factor'),
  /** `second_factor_failed` at the second step, `login_failed` for a passkey sign-in: the assertion did not verify. */
  plain('passkey_not_verified'),
  /** `login_failed`: a passkey no account has (removed, or from another site). */
  plain('unknown_passkey'),
  /** `passkey_added`, `passkey_renamed`, `passkey_removed`: the passkey's name (as it is now). */
  withParams('passkey_named', { name: Type.String() }),
  /** `second_factors_reset`: an admin removed the person's second factors; they enrol again. */
  withParams('second_factors_reset_by_admin', { actor }),
  // Step-up (`step_up_succeeded`, `step_up_failed`; a wrong proof reuses `wrong_password`, `wrong_totp`, `wrong_recovery_code`).
  /** `step_up_succeeded` with the password; `with_totp` and `with_recovery_code` name the others. */
  plain('with_password'),
  /** `step_up_failed`: the password alone, on an account with a second factor. */
  plain('password_not_enough'),
  // Renewal (`renewal_replayed`, `token_renewed`).
  /** A retired session cookie came back after the grace window: the session was revoked. */
  plain('retired_cookie_replayed'),
  /** The current cookie was sent again within the grace window (two tabs renewing at once). */
  plain('grace_cookie_resent'),
  /** Prose recorded by an older server that no code matches; shown as it is. */
  withParams('legacy', { text: Type.String() }),
])
export type AuditDetail = Static<typeof AuditDetail>

/** Every reason code. */
export type AuditReason = AuditDetail['reason']
