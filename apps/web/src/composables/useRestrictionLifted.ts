import { useRoute, useRouter } from 'vue-router'
import { getMe } from '../api/account'
import { sanitizeRedirect } from '../router/redirect'
import { useAuth } from '../store'

/**
 * For the pages a restricted session is kept on: asks the server what the session must do
 * now (it judges that, not the page), and goes on to where the person was going; the guard
 * sends them to the next restricted page if one thing is left (a new password, then a
 * second factor).
 */
export function useRestrictionLifted() {
  const auth = useAuth()
  const route = useRoute()
  const router = useRouter()

  /** Reads the restriction again; true when the session is free. */
  async function recheck(): Promise<boolean> {
    const me = await getMe()
    auth.setRestriction(me.restriction ?? null)
    return me.restriction === undefined
  }

  async function goOn(): Promise<void> {
    await router.replace(sanitizeRedirect(route.query.redirect) ?? { name: 'overview' })
  }

  return { recheck, goOn }
}
