import type { AuditDetail, AuditReason } from '@tokenauth/shared'
import { t } from '../i18n'
import { formatList } from './numbers'
import { roleWords } from './roles'

/**
 * Every reason code, typed against the shared `AuditDetail`: a code added to the contract
 * does not compile here until it is listed (and so has words in both languages:
 * `messages.test.ts`), without bundling TypeBox.
 */
const REASONS: Readonly<Record<AuditReason, true>> = {
  unknown_user: true,
  wrong_password: true,
  user_disabled: true,
  credentials_changed: true,
  wrong_current_password: true,
  wrong_admin_password: true,
  idle_timeout: true,
  absolute_timeout: true,
  no_session: true,
  ended_by_user: true,
  session_limit: true,
  others_ended_by_user: true,
  others_ended: true,
  all_ended_by_admin: true,
  by_admin: true,
  by_admin_sessions_ended: true,
  created_by_admin: true,
  created_by_admin_must_change: true,
  by_admin_must_change: true,
  roles_changed_by_admin: true,
  retired_cookie_replayed: true,
  grace_cookie_resent: true,
  with_totp: true,
  with_recovery_code: true,
  recovery_codes_left: true,
  wrong_totp: true,
  wrong_recovery_code: true,
  wrong_password_on_disable: true,
  wrong_totp_on_disable: true,
  throttled: true,
  with_passkey: true,
  with_passkey_second_factor: true,
  passkey_not_verified: true,
  unknown_passkey: true,
  passkey_named: true,
  second_factors_reset_by_admin: true,
  with_password: true,
  password_not_enough: true,
  legacy: true,
}

/** Every reason code, in the order above. */
export const auditReasons = Object.keys(REASONS) as AuditReason[]

/** Role names as the users page shows them; none in words. */
function roleList(roles: readonly string[]): string {
  return roles.length ? formatList(roles.map(roleWords)) : t('common.none')
}

/** An event's reason in the current language, from the message files; '' for none. */
export function auditDetailWords(detail: AuditDetail | null): string {
  if (detail === null) return ''
  switch (detail.reason) {
    case 'wrong_admin_password':
      return t('audit.reasons.wrong_admin_password', { action: t(`audit.adminActions.${detail.params.action}`) })
    case 'ended_by_user':
      return t(detail.params.here ? 'audit.reasons.ended_by_user.here' : 'audit.reasons.ended_by_user.elsewhere')
    case 'others_ended_by_user':
    case 'others_ended':
    case 'recovery_codes_left':
      return t(`audit.reasons.${detail.reason}`, { count: detail.params.count }, detail.params.count)
    case 'throttled':
      return t('audit.reasons.throttled', { count: detail.params.retryAfterSeconds }, detail.params.retryAfterSeconds)
    case 'all_ended_by_admin':
    case 'by_admin_sessions_ended':
    case 'by_admin_must_change':
      return t(`audit.reasons.${detail.reason}`, { actor: detail.params.actor, count: detail.params.count }, detail.params.count)
    case 'by_admin':
    case 'second_factors_reset_by_admin':
      return t(`audit.reasons.${detail.reason}`, { actor: detail.params.actor })
    case 'created_by_admin':
    case 'created_by_admin_must_change':
      return t(`audit.reasons.${detail.reason}`, { actor: detail.params.actor, roles: roleList(detail.params.roles) })
    case 'roles_changed_by_admin':
      return t('audit.reasons.roles_changed_by_admin', { actor: detail.params.actor, from: roleList(detail.params.from), to: roleList(detail.params.to) })
    case 'with_passkey':
      return t(detail.params.verified ? 'audit.reasons.with_passkey.verified' : 'audit.reasons.with_passkey.presence')
    case 'passkey_named':
      return t('audit.reasons.passkey_named', { name: detail.params.name })
    case 'legacy':
      // An older server's words, kept as written: there is no code to translate.
      return detail.params.text
    default:
      return t(`audit.reasons.${detail.reason}`)
  }
}
