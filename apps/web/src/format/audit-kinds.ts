import type { AuditKind } from '@tokenauth/shared'

/**
 * Every audit event kind in words. Typed against the shared `AuditKind`, so a kind added
 * to the contract does not compile here until it has words (and no TypeBox is bundled).
 */
export const auditKindWords: Readonly<Record<AuditKind, string>> = {
  login_succeeded: 'Signed in',
  login_failed: 'Sign-in failed',
  logout: 'Signed out',
  token_renewed: 'Token renewed',
  renewal_replayed: 'Old session cookie replayed',
  session_ended: 'Session ended',
  password_changed: 'Password changed',
  password_reset: 'Password reset by an admin',
  user_disabled: 'User disabled',
  user_enabled: 'User enabled',
  user_created: 'User created',
  user_roles_changed: 'Roles changed',
  user_deleted: 'User deleted',
  key_not_found: 'Unknown signing key',
  setup_completed: 'Setup completed',
}

/** The kinds that deserve a second look. */
export const alarmingAuditKinds: ReadonlySet<AuditKind> = new Set<AuditKind>(['login_failed', 'renewal_replayed', 'key_not_found'])

/** Whether a value (say, from the URL) is a known kind. */
export function isAuditKind(value: unknown): value is AuditKind {
  return typeof value === 'string' && Object.hasOwn(auditKindWords, value)
}
