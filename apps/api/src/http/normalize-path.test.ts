import { describe, expect, it } from 'vitest'
import { normalizePath } from './normalize-path.js'

describe('normalizePath', () => {
  it('decodes encoded letters, digits, -, _ and ~ in the path', () => {
    expect(normalizePath('/%61pi/auth/%6C%6Fgin')).toBe('/api/auth/login')
    expect(normalizePath('/%41%5a%30%39%2d%5f%7e')).toBe('/AZ09-_~')
  })

  it('keeps ., /, % and everything reserved or non-ASCII encoded, and leaves the query alone', () => {
    expect(normalizePath('/%2e%2e/%2F/%25/%3F/%C3%A9')).toBe('/%2e%2e/%2F/%25/%3F/%C3%A9')
    expect(normalizePath('/%61pi?x=%61')).toBe('/api?x=%61')
    expect(normalizePath('/api/me')).toBe('/api/me')
  })
})
