import { describe, expect, it } from 'vitest'
import { ERROR_CODES } from '@tokenauth/shared'
import { auditKinds } from '../format/audit-kinds'
import { auditReasons } from '../format/audit-detail'
import en from './messages/en'
import zhCN from './messages/zh-CN'

type Tree = { readonly [key: string]: string | Tree }

/** Every leaf as `path → text`. */
function leaves(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>()
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key
    if (typeof value === 'string') out.set(path, value)
    else for (const [p, v] of leaves(value, path)) out.set(p, v)
  }
  return out
}

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()
const pluralForms = (text: string) => text.split(' | ').length

describe('the two languages', () => {
  const english = leaves(en)
  const chinese = leaves(zhCN)

  it('have exactly the same keys', () => {
    expect([...chinese.keys()].sort()).toEqual([...english.keys()].sort())
  })

  it('in Chinese, set a number or a Latin name apart from the characters around it with a space', () => {
    // These placeholders hold a count, a username or "3 个会话": "结束了 3 个会话", not "结束了3 个会话".
    const startsLatin = /[\u4e00-\u9fff](\{(?:sessions|username|count|n|max|label)\})|(\{(?:username|count|n|max)\})[\u4e00-\u9fff]/
    for (const [key, text] of chinese) expect(text, key).not.toMatch(startsLatin)
  })

  it('use the same placeholders and plural forms in every message, and none is empty', () => {
    for (const [key, text] of english) {
      const other = chinese.get(key) ?? ''
      expect(new Set(placeholders(other)), key).toEqual(new Set(placeholders(text)))
      expect(pluralForms(other), key).toBe(pluralForms(text))
      expect(other.trim(), key).not.toBe('')
      expect(text.trim(), key).not.toBe('')
    }
  })

  it("have words for every error code the server sends, every audit event kind and every audit reason (else the raw code would show)", () => {
    const needed = [...ERROR_CODES.map((code) => `errors.${code}`), ...auditKinds.map((kind) => `audit.kinds.${kind}`),
      ...auditReasons.filter((reason) => reason !== 'ended_by_user' && reason !== 'with_passkey').map((reason) => `audit.reasons.${reason}`),
      'audit.reasons.with_passkey.verified',
      'audit.reasons.with_passkey.presence',
      'audit.reasons.ended_by_user.here',
      'audit.reasons.ended_by_user.elsewhere',
    ]
    expect(needed.length).toBeGreaterThan(20)
    for (const key of needed) {
      expect(english.has(key), key).toBe(true)
      expect(chinese.has(key), key).toBe(true)
    }
  })

  it('hold no words meant for developers: no codes, no code syntax, no talk of the seed', () => {
    // e.g. `wrong_password`, "the seed's `session['username']`", `set_cookie`.
    const developerWords = /[A-Za-z]+_[A-Za-z_]+|`|\w\[|\(\)|\bseed\b/
    for (const [key, text] of [...english, ...chinese]) expect(text, key).not.toMatch(developerWords)
  })

  it('have no syntax vue-i18n would read as a link or a stray brace', () => {
    for (const [key, text] of [...english, ...chinese]) {
      expect(text, key).not.toMatch(/@/)
      expect(text.replace(/\{\w+\}/g, ''), key).not.toMatch(/[{}]/)
    }
  })
})
