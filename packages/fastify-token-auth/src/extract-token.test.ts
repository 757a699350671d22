import { describe, expect, it } from 'vitest'
import { TOKEN_ABSENT, TOKEN_CONFLICT, TOKEN_MALFORMED, createTokenExtractor, isToken68 } from './extract-token.js'

const extract = createTokenExtractor({ tokenHeader: 'token', scheme: 'Bearer', maxTokenLength: 16 })

describe('createTokenExtractor', () => {
  it.each([
    ['the token header', { token: 'abc' }, 'abc'],
    ['Authorization: Bearer', { authorization: 'Bearer abc' }, 'abc'],
    ['any case of the scheme', { authorization: 'bEaReR abc' }, 'abc'],
    ['spaces and tabs after the scheme', { authorization: 'Bearer \t abc' }, 'abc'],
    ['trailing whitespace', { authorization: 'Bearer abc  ', token: ' abc ' }, 'abc'],
    ['both headers, same token', { token: 'abc', authorization: 'Bearer abc' }, 'abc'],
    ['token68 padding', { token: 'a+b/c-d.e_f~==' }, 'a+b/c-d.e_f~=='],
    ['the token header beside another scheme', { token: 'abc', authorization: 'Basic xyz=' }, 'abc'],
  ])('reads %s', (_, headers, token) => {
    expect(extract(headers)).toBe(token)
  })

  it.each([
    ['no headers', {}],
    ['an empty token header', { token: '' }],
    ['a blank token header', { token: ' \t ' }],
    ['another scheme', { authorization: 'Basic dXNlcjpwYXNz' }],
    ['a longer scheme name', { authorization: 'Bearerx abc' }],
    ['the scheme alone', { authorization: 'Bearer' }],
    ['the scheme and spaces', { authorization: 'Bearer   ' }],
    ['a shorter header than the scheme', { authorization: 'Bea' }],
  ])('finds no token with %s', (_, headers) => {
    expect(extract(headers)).toBe(TOKEN_ABSENT)
  })

  it.each([
    ['a repeated token header (array)', { token: ['abc', 'abc'] }],
    ['a repeated token header (joined)', { token: 'abc, abc' }],
    ['two tokens in Authorization', { authorization: 'Bearer abc def' }],
    ['a too long token', { token: 'a'.repeat(17) }],
    ['padding in the middle', { token: 'ab=c' }],
    ['a quoted token', { authorization: 'Bearer "abc"' }],
    ['a malformed header beside a good one', { token: 'abc', authorization: ['Bearer abc'] as unknown as string }],
  ])('finds a malformed token with %s', (_, headers) => {
    expect(extract(headers)).toBe(TOKEN_MALFORMED)
  })

  it('reports a conflict when the headers carry different tokens', () => {
    expect(extract({ token: 'abc', authorization: 'Bearer abd' })).toBe(TOKEN_CONFLICT)
    expect(extract({ token: 'abc', authorization: 'Bearer a b' })).toBe(TOKEN_CONFLICT)
  })

  it('ignores the token header when it is disabled', () => {
    const authorizationOnly = createTokenExtractor({ tokenHeader: false, scheme: 'Token', maxTokenLength: 16 })
    expect(authorizationOnly({ token: 'abc' })).toBe(TOKEN_ABSENT)
    expect(authorizationOnly({ token: 'abc', authorization: 'token xyz' })).toBe('xyz')
    expect(authorizationOnly({ authorization: 'Bearer xyz' })).toBe(TOKEN_ABSENT)
  })
})

describe('isToken68', () => {
  it.each(['a', 'A-Z.0_9~+/', 'abc=', 'abc===', 'x'.repeat(10)])('accepts %s', (value) => {
    expect(isToken68(value, 10)).toBe(true)
  })
  it.each(['', '=', '==abc', 'a=b', 'a b', 'a,b', 'a;b', 'é', 'a\u0000', 'a\n', 'a=\n', '\na', 'a\r', 'x'.repeat(11)])('refuses %j', (value) => {
    expect(isToken68(value, 10)).toBe(false)
  })
})
