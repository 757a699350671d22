import type { RouteLocationNormalized, RouteLocationRaw } from 'vue-router'
import type { User } from '@tokenauth/shared'
import { sanitizeRedirect } from './redirect'

/** What the auth guard needs: who is signed in, once the boot-time restore is done. */
export interface AuthGuardDeps {
  currentUser(): User | null
  /** Settles once the session has been restored (or not) at boot. */
  ready(): Promise<unknown>
}

/**
 * The one auth guard. It returns where to go instead (or true); it never calls `next()`.
 * - signed in and on a guest-only page (login) → the `?redirect=` target or the overview;
 * - public page → on;
 * - not signed in → login, with `?redirect=` the whole path and query asked for;
 * - an unknown path → the 404 page, inside the dashboard for a signed-in person;
 * - missing role → the 403 page.
 */
export function createAuthGuard(deps: AuthGuardDeps) {
  return async function authGuard(to: RouteLocationNormalized): Promise<true | RouteLocationRaw> {
    await deps.ready().catch(() => undefined)
    const user = deps.currentUser()

    if (to.meta.guestOnly && user) return sanitizeRedirect(to.query.redirect) ?? { name: 'overview' }
    // Both 404 routes match any path; which one a visitor sees depends on being signed in.
    if (to.name === 'not-found' && user) return { name: 'signed-in-not-found', params: to.params, query: to.query, hash: to.hash, replace: true }
    if (to.name === 'signed-in-not-found' && !user) return { name: 'not-found', params: to.params, query: to.query, hash: to.hash, replace: true }
    if (to.meta.public) return true
    if (!user) return { name: 'login', query: { redirect: to.fullPath } }

    const required = to.matched.flatMap((record) => record.meta.roles ?? [])
    if (required.length > 0 && !required.some((role) => user.roles.includes(role))) {
      // The 403 page says which page was refused and which roles it needs.
      return { name: 'forbidden', query: { page: String(to.name ?? '') } }
    }
    return true
  }
}
