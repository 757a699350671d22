import type { AdminActionName, AuditDetail } from '@tokenauth/shared'

/** The admin routes that asked for the acting admin's own password, by method and path. */
const ADMIN_ROUTES: readonly (readonly [RegExp, AdminActionName])[] = [
  [/^POST \S*\/users$/, 'create_user'],
  [/^PUT \S*\/users\/:id\/roles$/, 'set_roles'],
  [/^DELETE \S*\/users\/:id$/, 'delete_user'],
  [/^POST \S*\/users\/:id\/disable$/, 'disable_user'],
  [/^POST \S*\/users\/:id\/enable$/, 'enable_user'],
  [/^DELETE \S*\/users\/:id\/sessions$/, 'end_sessions'],
  [/^POST \S*\/users\/:id\/password$/, 'reset_password'],
]

/** The forms that were already a code. */
const PLAIN = ['unknown_user', 'wrong_password', 'user_disabled', 'idle_timeout', 'absolute_timeout', 'no_session', 'credentials_changed'] as const
type Plain = (typeof PLAIN)[number]

/** "none" was the server's word for no roles; role names were joined with ", ". */
function roleList(text: string): string[] {
  return text === 'none' ? [] : text.split(', ')
}

function isPlain(text: string): text is Plain {
  return (PLAIN as readonly string[]).includes(text)
}

/**
 * The reason code of an audit `detail` written as English prose by an older server: every
 * form the server has written is read back into its code and parameters; anything else
 * becomes `legacy`, kept word for word. Used once, by the migration that moved the audit
 * log to codes (on both engines).
 */
export function legacyAuditDetail(text: string): AuditDetail {
  if (isPlain(text)) return { reason: text }
  if (text === 'wrong current password on password change') return { reason: 'wrong_current_password' }
  if (text === 'wrong own password on an admin password reset') return { reason: 'wrong_admin_password', params: { action: 'reset_password' } }
  if (text === 'retired cookie presented after the grace window') return { reason: 'retired_cookie_replayed' }
  if (text === 'grace: the current cookie was sent again' || text === 'grace') return { reason: 'grace_cookie_resent' }
  if (text === 'ended by its user (this session)') return { reason: 'ended_by_user', params: { here: true } }
  if (text === 'ended by its user from another session') return { reason: 'ended_by_user', params: { here: false } }
  let m: RegExpMatchArray | null
  if ((m = text.match(/^wrong own password on (\S+ \S+)$/))) {
    const route = m[1] ?? ''
    const action = ADMIN_ROUTES.find(([pattern]) => pattern.test(route))?.[1]
    if (action) return { reason: 'wrong_admin_password', params: { action } }
  }
  if ((m = text.match(/^(\d+) other sessions ended by their user$/))) return { reason: 'others_ended_by_user', params: { count: Number(m[1]) } }
  if ((m = text.match(/^(\d+) other sessions ended$/))) return { reason: 'others_ended', params: { count: Number(m[1]) } }
  if ((m = text.match(/^all (\d+) sessions, by admin (\S+)$/))) return { reason: 'all_ended_by_admin', params: { actor: m[2] ?? '', count: Number(m[1]) } }
  if ((m = text.match(/^by (?:admin )?(\S+); (\d+) sessions ended$/))) return { reason: 'by_admin_sessions_ended', params: { actor: m[1] ?? '', count: Number(m[2]) } }
  if ((m = text.match(/^by (\S+); roles: (.+)$/))) return { reason: 'created_by_admin', params: { actor: m[1] ?? '', roles: roleList(m[2] ?? '') } }
  if ((m = text.match(/^by (\S+); (.+) → (.+)$/))) {
    return { reason: 'roles_changed_by_admin', params: { actor: m[1] ?? '', from: roleList(m[2] ?? ''), to: roleList(m[3] ?? '') } }
  }
  if ((m = text.match(/^by (?:admin )?(\S+)$/))) return { reason: 'by_admin', params: { actor: m[1] ?? '' } }
  return { reason: 'legacy', params: { text } }
}
