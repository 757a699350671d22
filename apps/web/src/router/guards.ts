import type { RouteLocationNormalized, RouteLocationRaw } from 'vue-router'
import type { Restriction, User } from '@tokenauth/shared'
import { sanitizeRedirect } from './redirect'

/** The page that lifts each restriction (routes.ts). */
export const RESTRICTED_PAGES: Readonly<Record<Restriction, string>> = {
  password_change_required: 'password-change-required',
  second_factor_enrolment_required: 'second-factor-enrolment',
}

/** What the auth guard needs: who is signed in, once the boot-time restore is done. */
export interface AuthGuardDeps {
  currentUser(): User | null
  /** What the session must do before anything else (absent: nothing, as for the tests of other rules). */
  restriction?(): Restriction | null
  /** Settles once the session has been restored (or not) at boot. */
  ready(): Promise<unknown>
}

/**
 * The one auth guard. It returns where to go instead (or true); it never calls `next()`.
 * - signed in and on a guest-only page (login) → the `?redirect=` target or the overview;
 * - public page → on;
 * - not signed in → login, with `?redirect=` the whole path and query asked for;
 * - an unknown path → the 404 page, inside the dashboard for a signed-in person;
 * - a restricted session (a password to change, a second factor to enrol) → the one page
 *   that lifts it, keeping where the person was going; that page, unrestricted → on there;
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

    const restriction = deps.restriction?.() ?? null
    if (restriction !== null) {
      if (to.meta.restriction === restriction) return true
      // Where the person was going, to go on there once it is done.
      const redirect = to.meta.restriction !== undefined ? sanitizeRedirect(to.query.redirect) : to.name === 'overview' ? null : to.fullPath
      return { name: RESTRICTED_PAGES[restriction], query: redirect === null ? {} : { redirect }, replace: true }
    }
    // Done (or never needed): the page has nothing to do, the person goes on.
    if (to.meta.restriction !== undefined) return sanitizeRedirect(to.query.redirect) ?? { name: 'overview' }

    const required = to.matched.flatMap((record) => record.meta.roles ?? [])
    if (required.length > 0 && !required.some((role) => user.roles.includes(role))) {
      // The 403 page says which page was refused and which roles it needs.
      return { name: 'forbidden', query: { page: String(to.name ?? '') } }
    }
    return true
  }
}
