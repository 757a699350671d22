import type { Router } from 'vue-router'

/**
 * The read of the session made at sign-in or page load is shared with the page the app
 * lands on (so a load sends `GET /api/session` once); once the user moves on from a
 * signed-in page, the next page asks afresh — its data is current, and a session ended
 * elsewhere shows up at once. Leaving the sign-in or setup page (or the first load) is
 * the landing itself, so the sharing stays.
 */
export function endSharedSessionReadOnLeave(router: Router, auth: { endSharedRead(): unknown }): void {
  router.afterEach((_to, from, failure) => {
    if (failure || from.matched.length === 0 || from.meta.public) return
    void auth.endSharedRead()
  })
}
