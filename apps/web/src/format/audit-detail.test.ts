import { afterEach, describe, expect, it } from 'vitest'
import { setLocale } from '../i18n'
import { auditDetailWords } from './audit-detail'

describe('audit details in words', () => {
  afterEach(() => setLocale('en'))

  it('reads every form the server writes, in English', () => {
    expect(auditDetailWords('wrong_password')).toBe('wrong password')
    expect(auditDetailWords('idle_timeout')).toBe('idle for too long')
    expect(auditDetailWords('by root; 2 sessions ended')).toBe('by root; 2 sessions ended')
    expect(auditDetailWords('by admin root; 1 sessions ended')).toBe('by root; 1 sessions ended')
    expect(auditDetailWords('all 3 sessions, by admin root')).toBe('all 3 sessions, by root')
    expect(auditDetailWords('by root; none → admin, editor')).toBe('by root; none → admin, editor')
    expect(auditDetailWords(null)).toBe('')
  })

  it('in Chinese: no raw code or English sentence left', () => {
    setLocale('zh-CN')
    const forms = [
      'unknown_user',
      'wrong_password',
      'user_disabled',
      'idle_timeout',
      'absolute_timeout',
      'no_session',
      'wrong current password on password change',
      'retired cookie presented after the grace window',
      'grace: the current cookie was sent again',
      'ended by its user (this session)',
      'ended by its user from another session',
      '2 other sessions ended by their user',
      '2 other sessions ended',
      'all 2 sessions, by admin root',
      'by admin root; 2 sessions ended',
      'by root; 2 sessions ended',
      'by root; roles: editor',
      'by root; admin → none',
      'by root',
    ]
    for (const form of forms) {
      const words = auditDetailWords(form)
      expect(words, form).toMatch(/[\u4e00-\u9fff]/)
      expect(words.replace(/root|editor|admin|Cookie/g, ''), form).not.toMatch(/[a-z]{3,}/)
    }
    expect(auditDetailWords('by root; admin → none')).toBe('操作人：root；admin → 无')
  })

  it('shows a form it does not know as it is', () => {
    expect(auditDetailWords('something new')).toBe('something new')
  })
})
