const MAX_LENGTH = 2048
const PROBE_ORIGIN = 'https://tokenauth.invalid'

function hasControlOrBackslash(value: string): boolean {
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0
    // C0 and C1 controls, DEL, the Unicode line/paragraph separators, and `\`
    // (browsers read `/\evil.example` as `//evil.example`).
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029 || char === '\\') {
      return true
    }
  }
  return false
}

/**
 * The `?redirect=` target to go to after signing in, or null when it is not a plain
 * same-origin path. Accepts only `/…` (not `//…`, `/\…`), no control characters, no
 * absolute URLs, nothing that resolves to another origin, and not the login page itself.
 */
export function sanitizeRedirect(value: unknown): string | null {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_LENGTH) return null
  if (!value.startsWith('/') || value.startsWith('//')) return null
  if (hasControlOrBackslash(value)) return null
  let url: URL
  try {
    url = new URL(value, PROBE_ORIGIN)
  } catch {
    return null
  }
  if (url.origin !== PROBE_ORIGIN) return null
  if (url.pathname === '/login' || url.pathname.startsWith('/login/')) return null
  return value
}
