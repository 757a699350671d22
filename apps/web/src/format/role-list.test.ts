import { describe, expect, it } from 'vitest'
import { combineRoles, parseRoleList } from './role-list'

describe('role lists typed into a form', () => {
  it('splits on commas and spaces, keeps each role once, in order', () => {
    expect(parseRoleList(' editor, viewer  editor,,ops ')).toEqual({ roles: ['editor', 'viewer', 'ops'], invalid: [] })
    expect(parseRoleList('')).toEqual({ roles: [], invalid: [] })
  })

  it('says which words are not role names', () => {
    expect(parseRoleList('Editor ok 9x a'.concat('b'.repeat(40)))).toEqual({ roles: ['ok'], invalid: ['Editor', '9x', 'a' + 'b'.repeat(40)] })
  })

  it('puts admin first, once', () => {
    expect(combineRoles(true, ['editor', 'admin'])).toEqual(['admin', 'editor'])
    expect(combineRoles(false, ['admin', 'editor'])).toEqual(['editor'])
  })
})
