/** A percent-encoded unreserved character other than `.` (RFC 3986 §2.3): letters, digits, `-`, `_`, `~`. */
const ENCODED_UNRESERVED = /%(?:[46][1-9A-Fa-f]|[57][0-9Aa]|3[0-9]|2[Dd]|5[Ff]|7[Ee])/g

/**
 * Fastify's `rewriteUrl`: decodes percent-encoded letters, digits, `-`, `_` and `~` in the
 * path, which RFC 3986 §6.2.2.2 says mean the same as the characters themselves. So
 * `/%61pi/auth/login` is `/api/auth/login` for every part of the server, not only for the
 * router: @fastify/session compares its cookie path with the URL, and a mismatch there was
 * a 500. `.` and `/` stay encoded (no new `..` segments or path separators appear), and so
 * does everything else.
 * @see https://fastify.dev/docs/latest/Reference/Server/#rewriteurl
 */
export function normalizePath(url: string): string {
  const query = url.indexOf('?')
  const path = query === -1 ? url : url.slice(0, query)
  if (!path.includes('%')) return url
  const normalized = path.replace(ENCODED_UNRESERVED, (escape) => String.fromCharCode(parseInt(escape.slice(1), 16)))
  return query === -1 ? normalized : normalized + url.slice(query)
}
