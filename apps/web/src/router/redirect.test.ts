import { describe, expect, it } from 'vitest'
import { sanitizeRedirect } from './redirect'

describe('sanitizeRedirect', () => {
  it.each([
    ['/'],
    ['/notes'],
    ['/notes?tab=mine&sort=new'],
    ['/notes?tab=mine#top'],
    ['/users/42'],
    ['/session?key=a%2Fb'],
    ['/search?q=%2F%2Fevil.example'],
    ['/a/b/../c'],
    ['/setup'],
    ['/笔记?标签=1'],
  ])('keeps the same-origin path %s', (good) => {
    expect(sanitizeRedirect(good)).toBe(good)
  })

  it.each([
    ['empty', ''],
    ['undefined', undefined],
    ['null', null],
    ['a number', 42],
    ['an array (repeated ?redirect=)', ['/notes', '/users']],
    ['relative path', 'notes'],
    ['absolute http URL', 'https://evil.example/'],
    ['absolute URL with same-looking host', 'http://localhost/notes'],
    ['protocol-relative', '//evil.example'],
    ['protocol-relative with path', '//evil.example/notes'],
    ['three slashes', '///evil.example'],
    ['slash backslash', '/\\evil.example'],
    ['slash backslash slash', '/\\/evil.example'],
    ['backslash inside', '/notes\\..\\..\\evil'],
    ['double backslash', '\\\\evil.example'],
    ['javascript: URL', 'javascript:alert(1)'],
    ['data: URL', 'data:text/html,<script>alert(1)</script>'],
    ['tab after the slash', '/\t/evil.example'],
    ['newline', '/notes\nSet-Cookie: x=1'],
    ['carriage return', '/notes\r'],
    ['NUL', '/notes\u0000'],
    ['DEL', '/notes\u007f'],
    ['C1 control', '/notes\u0085'],
    ['line separator', '/notes\u2028'],
    ['leading space', ' /notes'],
    ['the login page itself', '/login'],
    ['the login page with its own redirect', '/login?redirect=/notes'],
    ['too long', `/${'a'.repeat(3000)}`],
  ])('refuses %s', (_label, evil) => {
    expect(sanitizeRedirect(evil)).toBeNull()
  })
})
