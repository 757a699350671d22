import { computed, ref, type Ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { needsAdminPassword, type AdminAction } from '@tokenauth/shared'
import { errorCodeOf, errorWords } from '../api/errors'
import { useAuth } from '../store'

/** What `AdminPasswordField` exposes. */
export interface AdminPasswordFieldHandle {
  focus(): void
  conceal(): void
}

/**
 * The acting admin's own password for one admin action: whether the server will want it
 * (the shared `needsAdminPassword` rule, with the signed-in admin as the actor), what to
 * send, and the words for a missing, wrong or throttled one.
 */
export function useAdminPassword(action: () => Omit<AdminAction, 'actorId'>, field: Readonly<Ref<AdminPasswordFieldHandle | null | undefined>>) {
  const { t } = useI18n()
  const auth = useAuth()
  const password = ref('')
  const error = ref('')
  const needed = computed(() => needsAdminPassword({ ...action(), actorId: auth.user?.id ?? 0 }))

  /** The password to send (undefined when none is needed), or null when it is needed and empty: then it says so. */
  function take(): string | undefined | null {
    error.value = ''
    if (!needed.value) return undefined
    if (password.value === '') {
      error.value = t('users.ownPasswordMissing')
      field.value?.focus()
      return null
    }
    field.value?.conceal()
    return password.value
  }

  /** Shows a refusal of the password in place; false when the failure was about something else. */
  function refused(failure: unknown): boolean {
    const code = errorCodeOf(failure)
    if (!needed.value || (code !== 'invalid_credentials' && code !== 'rate_limited')) return false
    error.value = code === 'invalid_credentials' ? t('users.resetOwnPasswordWrong') : errorWords(failure)
    field.value?.focus()
    return true
  }

  return { password, error, needed, take, refused }
}
