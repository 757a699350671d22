import { t } from '../i18n'

/**
 * The audit log's `detail` in the current language. The server writes it in a few fixed
 * English forms (apps/api: routes/users.ts, routes/sessions.ts, routes/account.ts,
 * routes/auth/*, auth/verify-access-token.ts); each known form is read back into a message
 * with its values. A form this table does not know is shown as it is, rather than hidden.
 */
const FORMS: readonly [RegExp, (m: RegExpMatchArray) => string][] = [
  [/^(unknown_user|wrong_password|user_disabled|idle_timeout|absolute_timeout|no_session)$/, (m) => t(`audit.details.${m[1]}`)],
  [/^wrong current password on password change$/, () => t('audit.details.wrongCurrentPassword')],
  [/^retired cookie presented after the grace window$/, () => t('audit.details.retiredCookie')],
  [/^grace: the current cookie was sent again$/, () => t('audit.details.graceCookie')],
  [/^ended by its user \(this session\)$/, () => t('audit.details.endedByUserHere')],
  [/^ended by its user from another session$/, () => t('audit.details.endedByUserElsewhere')],
  [/^(\d+) other sessions ended by their user$/, (m) => t('audit.details.othersEndedByUser', { n: Number(m[1]) })],
  [/^(\d+) other sessions ended$/, (m) => t('audit.details.othersEnded', { n: Number(m[1]) })],
  [/^all (\d+) sessions, by admin (.+)$/, (m) => t('audit.details.allEndedBy', { n: Number(m[1]), actor: m[2] })],
  [/^by (?:admin )?(\S+); (\d+) sessions ended$/, (m) => t('audit.details.byEnded', { actor: m[1], n: Number(m[2]) })],
  [/^by (\S+); roles: (.+)$/, (m) => t('audit.details.createdWithRoles', { actor: m[1], roles: roleList(m[2] ?? '') })],
  [/^by (\S+); (.+) → (.+)$/, (m) => t('audit.details.rolesChanged', { actor: m[1], from: roleList(m[2] ?? ''), to: roleList(m[3] ?? '') })],
  [/^by (?:admin )?(\S+)$/, (m) => t('audit.details.by', { actor: m[1] })],
]

/** "none" in the server's words is the app's "none"; role names are data and stay as they are. */
function roleList(text: string): string {
  return text === 'none' ? t('common.none') : text
}

/** `detail` in words; '' for none. */
export function auditDetailWords(detail: string | null): string {
  if (detail === null) return ''
  for (const [form, words] of FORMS) {
    const match = detail.match(form)
    if (match) return words(match)
  }
  return detail
}
