import type { AuditDetail } from '@tokenauth/shared'
import { afterEach, describe, expect, it } from 'vitest'
import { setLocale } from '../i18n'
import { auditDetailWords, auditReasons } from './audit-detail'

/** One detail of every reason code (every admin action too), as the server sends them. */
const EVERY_REASON: readonly AuditDetail[] = [
  { reason: 'unknown_user' },
  { reason: 'wrong_password' },
  { reason: 'user_disabled' },
  { reason: 'credentials_changed' },
  { reason: 'wrong_current_password' },
  ...(['create_user', 'set_roles', 'delete_user', 'disable_user', 'enable_user', 'end_sessions', 'reset_password'] as const).map(
    (action): AuditDetail => ({ reason: 'wrong_admin_password', params: { action } }),
  ),
  { reason: 'idle_timeout' },
  { reason: 'absolute_timeout' },
  { reason: 'no_session' },
  { reason: 'ended_by_user', params: { here: true } },
  { reason: 'ended_by_user', params: { here: false } },
  { reason: 'session_limit' },
  { reason: 'others_ended_by_user', params: { count: 2 } },
  { reason: 'others_ended', params: { count: 1 } },
  { reason: 'all_ended_by_admin', params: { actor: 'root', count: 3 } },
  { reason: 'by_admin', params: { actor: 'root' } },
  { reason: 'by_admin_sessions_ended', params: { actor: 'root', count: 0 } },
  { reason: 'created_by_admin', params: { actor: 'root', roles: ['admin', 'editor'] } },
  { reason: 'created_by_admin_must_change', params: { actor: 'root', roles: [] } },
  { reason: 'by_admin_must_change', params: { actor: 'root', count: 2 } },
  { reason: 'roles_changed_by_admin', params: { actor: 'root', from: [], to: ['admin'] } },
  { reason: 'retired_cookie_replayed' },
  { reason: 'grace_cookie_resent' },
  { reason: 'with_totp' },
  { reason: 'with_recovery_code' },
  { reason: 'recovery_codes_left', params: { count: 9 } },
  { reason: 'wrong_totp' },
  { reason: 'wrong_recovery_code' },
  { reason: 'wrong_password_on_disable' },
  { reason: 'wrong_totp_on_disable' },
  { reason: 'throttled', params: { retryAfterSeconds: 4 } },
  { reason: 'with_passkey', params: { verified: true } },
  { reason: 'with_passkey_second_factor' },
  { reason: 'passkey_not_verified' },
  { reason: 'unknown_passkey' },
  { reason: 'passkey_named', params: { name: '笔记本' } },
  { reason: 'second_factors_reset_by_admin', params: { actor: 'root' } },
  { reason: 'with_password' },
  { reason: 'password_not_enough' },
]

describe('audit reasons in words', () => {
  afterEach(() => setLocale('en'))

  it('covers every code', () => {
    expect(new Set(EVERY_REASON.map((detail) => detail.reason))).toEqual(new Set(auditReasons.filter((reason) => reason !== 'legacy')))
  })

  it('in English, with the parameters in place', () => {
    expect(auditDetailWords({ reason: 'wrong_password' })).toBe('wrong password')
    expect(auditDetailWords({ reason: 'second_factors_reset_by_admin', params: { actor: 'root' } })).toBe('by root; enrols again at next sign-in')
    expect(auditDetailWords({ reason: 'by_admin_sessions_ended', params: { actor: 'root', count: 1 } })).toBe('by root; 1 session ended')
    expect(auditDetailWords({ reason: 'all_ended_by_admin', params: { actor: 'root', count: 3 } })).toBe('all 3 sessions, by root')
    expect(auditDetailWords({ reason: 'roles_changed_by_admin', params: { actor: 'root', from: [], to: ['admin', 'editor'] } })).toBe('by root; none → admin and editor')
    expect(auditDetailWords({ reason: 'wrong_admin_password', params: { action: 'reset_password' } })).toBe('wrong own password to reset the password of a user')
    expect(auditDetailWords({ reason: 'credentials_changed' })).toBe('the password changed or the account was disabled while the sign-in was checked')
    expect(auditDetailWords({ reason: 'throttled', params: { retryAfterSeconds: 1 } })).toBe('not checked: too many failed tries; the next was allowed 1 second later')
    expect(auditDetailWords({ reason: 'with_passkey', params: { verified: false } })).toBe('with a passkey, without user verification')
    expect(auditDetailWords({ reason: 'passkey_named', params: { name: 'Laptop' } })).toBe('“Laptop”')
    expect(auditDetailWords({ reason: 'by_admin_must_change', params: { actor: 'root', count: 2 } })).toBe('by root; 2 sessions ended; must change the password at next sign-in')
    expect(auditDetailWords(null)).toBe('')
  })

  it('in Chinese: no code and no English word left, only the names that are data', () => {
    setLocale('zh-CN')
    for (const detail of EVERY_REASON) {
      const words = auditDetailWords(detail)
      expect(words, detail.reason).toMatch(/[\u4e00-\u9fff]/)
      // "root" and "editor" are a username and a role name (data); Chinese UIs write Cookie as is.
      expect(words.replace(/root|editor|Cookie/g, ''), detail.reason).not.toMatch(/[A-Za-z]{2,}/)
    }
    expect(auditDetailWords({ reason: 'roles_changed_by_admin', params: { actor: 'root', from: ['admin'], to: [] } })).toBe('操作人：root；管理员 → 无')
    expect(auditDetailWords({ reason: 'wrong_admin_password', params: { action: 'set_roles' } })).toBe('修改角色时本人密码错误')
  })

  it('shows an older server’s words as they were written', () => {
    setLocale('zh-CN')
    expect(auditDetailWords({ reason: 'legacy', params: { text: 'something new' } })).toBe('something new')
  })
})
