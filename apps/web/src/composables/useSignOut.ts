import { ref } from 'vue'
import { useRouter } from 'vue-router'
import { useAuth } from '../store'
import { useAuthChannel } from './useAuthChannel'

/** Sign out: end the server session, tell the other tabs, show the login page. */
export function useSignOut() {
  const auth = useAuth()
  const router = useRouter()
  const channel = useAuthChannel()
  const pending = ref(false)

  async function signOut(): Promise<void> {
    if (pending.value) return
    pending.value = true
    try {
      await auth.logout()
      channel.post('logout')
      // The sign-in page then says so.
      await router.replace({ name: 'login', query: { reason: 'signed-out' } })
    } finally {
      pending.value = false
    }
  }

  return { signOut, pending }
}
