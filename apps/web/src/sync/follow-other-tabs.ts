import type { Router } from 'vue-router'
import type { Auth } from '../store/modules/auth'
import { sanitizeRedirect } from '../router/redirect'
import type { AuthChannel } from './auth-channel'

/**
 * Keeps this tab in step with the others: a sign-out elsewhere ends the session here
 * too (the server already revoked its token) and shows the login page; a sign-in
 * elsewhere lets a tab sitting on the login page pick up the same session through the
 * shared cookie.
 */
export function followOtherTabs(channel: AuthChannel, auth: Pick<Auth, 'token' | 'clear' | 'restore'>, router: Router) {
  return channel.subscribe((event) => {
    const route = router.currentRoute.value
    if (event.type === 'logout') {
      if (auth.token === null) return
      auth.clear()
      if (!route.meta.public) void router.replace({ name: 'login', query: { redirect: route.fullPath } })
      return
    }
    if (auth.token !== null || !route.meta.guestOnly) return
    void auth.restore().then((restored) => {
      const now = router.currentRoute.value
      if (restored && now.meta.guestOnly) void router.replace(sanitizeRedirect(now.query.redirect) ?? { name: 'overview' })
    })
  })
}
