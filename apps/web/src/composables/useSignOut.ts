import { ref } from 'vue'
import { useRouter } from 'vue-router'
import { useAuth } from '../store'

/** Sign out: end the server session (the store's action tells the other tabs), show the login page. */
export function useSignOut() {
  const auth = useAuth()
  const router = useRouter()
  const pending = ref(false)

  async function signOut(): Promise<void> {
    if (pending.value) return
    pending.value = true
    try {
      await auth.logout()
      // The sign-in page then says so.
      await router.replace({ name: 'login', query: { reason: 'signed-out' } })
    } finally {
      pending.value = false
    }
  }

  return { signOut, pending }
}
