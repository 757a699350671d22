import type { Router } from 'vue-router'
import type { Auth } from '../session-lifecycle/auth-access'
import type { SessionLifecycle } from '../session-lifecycle/lifecycle'
import { sanitizeRedirect } from '../router/redirect'
import type { AuthChannel } from './auth-channel'

/**
 * Keeps this tab in step with the others:
 * - a sign-out elsewhere ends the session here too (the server already revoked its
 *   token) and shows the login page — straight away, no sign-in-again dialog: it was meant;
 * - a sign-in elsewhere replaced the session the shared cookie names: a tab on the login
 *   page picks it up and goes on; a signed-in tab (or one whose dialog is open) follows it.
 */
export function followOtherTabs(
  channel: AuthChannel,
  auth: Pick<Auth, 'user' | 'restore'>,
  router: Router,
  lifecycle: Pick<SessionLifecycle, 'followSignOut' | 'followSignIn'>,
) {
  return channel.subscribe((event) => {
    const route = router.currentRoute.value
    if (event.type === 'logout') {
      if (auth.user === null) return
      lifecycle.followSignOut()
      if (!route.meta.public) void router.replace({ name: 'login', query: { redirect: route.fullPath, reason: 'signed-out' } })
      return
    }
    if (auth.user !== null) {
      void lifecycle.followSignIn()
      return
    }
    if (!route.meta.guestOnly) return
    void auth.restore().then((restored) => {
      const now = router.currentRoute.value
      if (restored && now.meta.guestOnly) void router.replace(sanitizeRedirect(now.query.redirect) ?? { name: 'overview' })
    })
  })
}
