import type { SessionLifecycle } from '../session-lifecycle/lifecycle'
import type { AuthChannel } from './auth-channel'

/**
 * Keeps this tab in step with the others: what another tab's sign-out or sign-in means
 * here is the session lifecycle's call (`followSignOut`, `followSignIn`); this only
 * passes the news on. Returns a function that stops listening.
 */
export function followOtherTabs(channel: AuthChannel, lifecycle: Pick<SessionLifecycle, 'followSignOut' | 'followSignIn'>) {
  return channel.subscribe((event) => {
    if (event.type === 'logout') lifecycle.followSignOut()
    else void lifecycle.followSignIn()
  })
}
