import { computed, ref, useTemplateRef } from 'vue'
import { useI18n } from 'vue-i18n'
import { PASSWORD_MAX_LENGTH, USERNAME_MAX_LENGTH, type SecondFactorRequired, type User } from '@tokenauth/shared'
import { errorWords, retryAfterSeconds, statusOf } from '../api/errors'
import type SignInFields from '../components/auth/SignInFields.vue'
import { useAuth } from '../store'
import { useRetryCountdown } from './useRetryCountdown'

/**
 * What the sign-in page and the sign-in-again dialog share: the fields, the checks before
 * sending, one request at a time, the error in words, and after too many attempts a
 * countdown (from `Retry-After`) during which the button is disabled. The form's template
 * renders them with `<SignInFields ref="fields">`.
 */
export function useSignInForm(options: { initialUsername?: string; onSignedIn: (user: User) => unknown }) {
  const { t } = useI18n()
  const auth = useAuth()
  const username = ref(options.initialUsername ?? '')
  const password = ref('')
  const rememberMe = ref(false)
  const pending = ref(false)
  const error = ref('')
  const fields = useTemplateRef<InstanceType<typeof SignInFields>>('fields')
  /** After a right password for an account with a second factor: the challenge for the second step. */
  const secondFactor = ref<SecondFactorRequired | null>(null)

  const { waitSeconds, countDown } = useRetryCountdown()

  /** Said once, and counted down in place rather than repeated. */
  const shownError = computed(() => (waitSeconds.value > 0 ? t('login.throttled', { seconds: waitSeconds.value }) : error.value))

  async function submit(): Promise<void> {
    if (pending.value || waitSeconds.value > 0) return
    if (!username.value.trim() || !password.value) {
      error.value = t('login.missing')
      if (!username.value.trim()) fields.value?.focusUsername()
      else fields.value?.focusPassword()
      return
    }
    // Said before sending: the server's 400 would only say that something is not valid.
    const name = username.value.trim()
    if (name.length > USERNAME_MAX_LENGTH) {
      error.value = t('login.usernameTooLong', { max: USERNAME_MAX_LENGTH, n: name.length })
      fields.value?.focusUsername()
      return
    }
    if (password.value.length > PASSWORD_MAX_LENGTH) {
      error.value = t('password.tooLong', { max: PASSWORD_MAX_LENGTH })
      fields.value?.focusPassword()
      return
    }
    pending.value = true
    error.value = ''
    fields.value?.conceal()
    try {
      const answer = await auth.login({
        username: username.value.trim(),
        password: password.value,
        ...(rememberMe.value ? { rememberMe: true } : {}),
      })
      password.value = ''
      if ('mfaRequired' in answer) secondFactor.value = answer
      else await options.onSignedIn(answer)
    } catch (failure) {
      const status = statusOf(failure)
      const wait = status === 429 || status === 503 ? retryAfterSeconds(failure) : null
      if (wait !== null && wait > 0) {
        error.value = t('login.retryNow')
        countDown(wait)
      } else {
        // Only the server's code in words: "Incorrect username or password." never says which.
        error.value = errorWords(failure)
      }
      password.value = ''
      fields.value?.focusPassword()
    } finally {
      pending.value = false
    }
  }

  /** The second step gave up (its challenge expired or was used): the password again, with why. */
  function backToPassword(why: string): void {
    secondFactor.value = null
    error.value = why
  }

  return { username, password, rememberMe, pending, error: shownError, waitSeconds, submit, fields, secondFactor, backToPassword }
}
