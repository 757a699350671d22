import type { AuditKind } from '@tokenauth/shared'
import { t } from '../i18n'

/**
 * Every audit event kind. Typed against the shared `AuditKind`, so a kind added to the
 * contract does not compile here until it is listed (and so has words in both languages:
 * `messages.test.ts`), without bundling TypeBox.
 */
const KINDS: Readonly<Record<AuditKind, true>> = {
  login_succeeded: true,
  login_failed: true,
  logout: true,
  token_renewed: true,
  renewal_replayed: true,
  session_ended: true,
  password_changed: true,
  password_reset: true,
  user_disabled: true,
  user_enabled: true,
  user_created: true,
  user_roles_changed: true,
  user_deleted: true,
  key_not_found: true,
  setup_completed: true,
  totp_enabled: true,
  totp_disabled: true,
  recovery_codes_regenerated: true,
  recovery_code_used: true,
  second_factor_failed: true,
  login_throttled: true,
  passkey_added: true,
  passkey_renamed: true,
  passkey_removed: true,
  second_factors_reset: true,
  step_up_succeeded: true,
  step_up_failed: true,
}

/** Every kind, in the order above. */
export const auditKinds = Object.keys(KINDS) as AuditKind[]

/** A kind in words, in the current language. */
export function auditKindWords(kind: AuditKind): string {
  return t(`audit.kinds.${kind}`)
}

/** The kinds that deserve a second look. */
export const alarmingAuditKinds: ReadonlySet<AuditKind> = new Set<AuditKind>(['login_failed', 'login_throttled', 'renewal_replayed', 'key_not_found', 'step_up_failed'])

/** Whether a value (say, from the URL) is a known kind. */
export function isAuditKind(value: unknown): value is AuditKind {
  return typeof value === 'string' && Object.hasOwn(KINDS, value)
}
