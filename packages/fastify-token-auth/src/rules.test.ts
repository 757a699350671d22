import { describe, expect, it } from 'vitest'
import { AuthRuleError, RULE_OPTIONAL, RULE_PUBLIC, RULE_REQUIRED, RULE_ROLES, compileRule, rolesSatisfy } from './rules.js'

describe('compileRule', () => {
  it('compiles the keyword rules to shared constants', () => {
    expect(compileRule('public', 'GET /')).toMatchObject({ kind: RULE_PUBLIC })
    expect(compileRule('optional', 'GET /')).toMatchObject({ kind: RULE_OPTIONAL })
    expect(compileRule('required', 'GET /')).toMatchObject({ kind: RULE_REQUIRED })
    expect(compileRule('required', 'GET /a')).toBe(compileRule('required', 'GET /b'))
  })

  it('copies and freezes role lists, so later changes to the config do not leak in', () => {
    const anyOf = ['admin']
    const compiled = compileRule({ roles: { anyOf } }, 'GET /')
    anyOf.push('guest')
    expect(compiled).toEqual({ kind: RULE_ROLES, anyOf: ['admin'], allOf: null, stepUp: null })
    expect(Object.isFrozen(compiled.anyOf)).toBe(true)
  })

  it('throws an AuthRuleError naming the route', () => {
    expect(() => compileRule(undefined, 'PATCH /notes/:id')).toThrow(AuthRuleError)
    expect(() => compileRule(undefined, 'PATCH /notes/:id')).toThrow(/PATCH \/notes\/:id declares no auth rule/)
    expect(() => compileRule({ roles: { anyOf: [] } }, 'GET /x')).toThrow(/GET \/x has an invalid auth rule/)
  })
})

describe('rolesSatisfy', () => {
  const anyOf = compileRule({ roles: { anyOf: ['admin', 'editor'] } }, 'GET /')
  const allOf = compileRule({ roles: { allOf: ['admin', 'editor'] } }, 'GET /')
  const both = compileRule({ roles: { anyOf: ['admin', 'editor'], allOf: ['user'] } }, 'GET /')

  it.each([
    [anyOf, ['editor'], true],
    [anyOf, ['user'], false],
    [anyOf, [], false],
    [allOf, ['editor', 'admin'], true],
    [allOf, ['admin'], false],
    [both, ['user', 'admin'], true],
    [both, ['admin'], false],
    [both, ['user'], false],
  ])('%o with %j → %s', (rule, roles, expected) => {
    expect(rolesSatisfy(rule, roles)).toBe(expected)
  })
})

describe('compileRule with stepUp', () => {
  it('compiles stepUp alone as required, and with roles as a roles rule', () => {
    expect(compileRule({ stepUp: { maxAge: 300 } }, 'POST /')).toEqual({ kind: RULE_REQUIRED, anyOf: null, allOf: null, stepUp: { maxAge: 300, factors: null } })
    expect(compileRule({ roles: { anyOf: ['admin'] }, stepUp: { maxAge: 60, factors: 'mfa' } }, 'POST /')).toEqual({
      kind: RULE_ROLES,
      anyOf: ['admin'],
      allOf: null,
      stepUp: { maxAge: 60, factors: 'mfa' },
    })
  })
})
