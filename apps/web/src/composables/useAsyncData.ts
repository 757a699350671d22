import { onMounted, ref, shallowRef, type Ref, type ShallowRef } from 'vue'
import { errorWords, isHandledGlobally } from '../api/errors'

/** Data a view loads on mount, with its loading state and the failure in words. */
export function useAsyncData<T>(load: () => Promise<T>): {
  data: ShallowRef<T | null>
  loading: Ref<boolean>
  error: Ref<string>
  reload: () => Promise<void>
} {
  const data = shallowRef<T | null>(null)
  const loading = ref(true)
  const error = ref('')

  async function reload(): Promise<void> {
    loading.value = true
    error.value = ''
    try {
      data.value = await load()
    } catch (failure) {
      // A toast or the session-ended notice already said it; keep the page quiet.
      error.value = isHandledGlobally(failure) ? '' : errorWords(failure)
    } finally {
      loading.value = false
    }
  }

  onMounted(reload)
  return { data, loading, error, reload }
}
