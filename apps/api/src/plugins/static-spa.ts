import { existsSync } from 'node:fs'
import path from 'node:path'
import fp from 'fastify-plugin'
import fastifyStatic from '@fastify/static'
import { API_PREFIX } from '@tokenauth/shared'
import { errorBody } from '../http/api-error.js'

/** The catch-all route that serves the SPA's files and its history-mode fallback. */
export const SPA_ROUTE = '/*'

/** Vite names built assets by content hash, so they never change: cache them for a year. */
const IMMUTABLE = 'public, max-age=31536000, immutable'

/**
 * Serves the built SPA from the API process (same origin). Unknown paths without a file
 * extension fall back to `index.html` (history-mode routes); `/api/*` is never the SPA.
 * `index.html` is never cached, so a deploy reaches every user on their next load.
 * @see https://github.com/fastify/fastify-static
 */
export default fp<{ root: string }>(
  async (app, { root }) => {
    if (!existsSync(path.join(root, 'index.html'))) {
      app.log.info({ root }, 'no built web app found; serving the API only')
      return
    }
    // Vite writes `.vite/manifest.json` (the build's file map) into the output: no dotfile
    // or dot-directory is part of the app.
    // The build writes `.br` and `.gz` copies of its text files (apps/web/build/precompress.ts):
    // they are sent as they are, with Content-Encoding and `Vary: Accept-Encoding`.
    await app.register(fastifyStatic, { root, serve: false, dotfiles: 'deny', preCompressed: true })

    app.get(SPA_ROUTE, { config: { auth: 'public' } }, (request, reply) => {
      const rawPathname = request.url.split('?', 1)[0] ?? '/'
      const pathname = decodePathname(rawPathname)
      if (pathname === undefined) return reply.code(400).send(errorBody('bad_request', 'Invalid path.'))
      if (isApiPath(pathname) || hasDotSegment(pathname)) return reply.callNotFound()
      if (path.posix.extname(pathname) === '') {
        reply.header('cache-control', 'no-cache')
        return reply.sendFile('index.html', { cacheControl: false })
      }
      if (pathname.startsWith('/assets/')) reply.header('cache-control', IMMUTABLE)
      // @fastify/send decodes the path itself, refuses `..` and dotfiles, and answers a
      // missing file with callNotFound.
      return reply.sendFile(rawPathname.slice(1), { cacheControl: !pathname.startsWith('/assets/') })
    })
  },
  { name: 'static-spa' },
)

/** Whether a decoded path is the API's, which the SPA never answers (and the rate limit counts). */
export function isApiPath(pathname: string): boolean {
  return pathname === API_PREFIX || pathname.startsWith(`${API_PREFIX}/`)
}

/** A segment that starts with a dot: a dotfile, a dot-directory, `.` or `..`. */
function hasDotSegment(pathname: string): boolean {
  return pathname.split('/').some((segment) => segment.startsWith('.'))
}

/**
 * Whether the SPA catch-all will serve a file or `index.html` for this URL (what the rate
 * limit exempts): not for paths that decode to `/api/…`, nor for undecodable ones.
 */
export function isSpaRequest(url: string): boolean {
  const pathname = decodePathname(url.split('?', 1)[0] ?? '/')
  return pathname !== undefined && !isApiPath(pathname)
}

function decodePathname(rawPathname: string): string | undefined {
  try {
    return decodeURIComponent(rawPathname)
  } catch {
    return undefined
  }
}
