import { isAxiosError, isCancel } from 'axios'
import { REQUEST_ID_HEADER, isErrorCode, type ErrorBody, type ErrorCode } from '@tokenauth/shared'
import { currentLocale, t } from '../i18n'

const handledGlobally = new WeakSet<object>()

/** Marks a failure the app already told the user about (a toast, or the session-ended notice). */
export function markHandledGlobally(error: unknown): void {
  if (typeof error === 'object' && error !== null) handledGlobally.add(error)
}

/** Whether a view should stay quiet about this failure because the user was already told. */
export function isHandledGlobally(error: unknown): boolean {
  return typeof error === 'object' && error !== null && handledGlobally.has(error)
}

/** The HTTP status of a failed API call, or null when there was no response. */
export function statusOf(error: unknown): number | null {
  return isAxiosError(error) ? (error.response?.status ?? null) : null
}

/** The API's error code when the failure is an answer in the one error shape `{ error: { code } }`. */
export function errorCodeOf(error: unknown): ErrorCode | null {
  if (!isAxiosError<ErrorBody>(error)) return null
  const data: unknown = error.response?.data
  if (typeof data !== 'object' || data === null || !('error' in data)) return null
  const inner: unknown = data.error
  if (typeof inner !== 'object' || inner === null || !('code' in inner)) return null
  return isErrorCode(inner.code) ? inner.code : null
}

/** The app's own words for an error code, in the current language (the server's `message` is for API users). */
export function codeWords(code: ErrorCode): string {
  return t(`errors.${code}`)
}

/**
 * The server's own `message` when the answer has one of `codes`. Some answers say what
 * to do in words a code cannot (a weak password: why; the last admin: which rule).
 * The server speaks English only: in another language this is null, and the caller
 * falls back to the app's own words for the code.
 */
export function serverMessageFor(error: unknown, codes: readonly ErrorCode[]): string | null {
  if (currentLocale() !== 'en') return null
  const code = errorCodeOf(error)
  if (code === null || !codes.includes(code) || !isAxiosError<ErrorBody>(error)) return null
  const message: unknown = error.response?.data.error.message
  return typeof message === 'string' && message.trim() !== '' ? message : null
}

/** Seconds to wait from a `Retry-After` header (delta-seconds or an HTTP date), if any. */
export function retryAfterSeconds(error: unknown, now = Date.now()): number | null {
  if (!isAxiosError(error)) return null
  const raw: unknown = error.response?.headers?.['retry-after']
  if (typeof raw !== 'string' || raw.trim() === '') return null
  if (/^\d+$/.test(raw.trim())) return Number(raw.trim())
  const at = Date.parse(raw)
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - now) / 1000))
}

/** Whether the request never got an answer (offline, DNS, timeout, aborted by the browser). */
export function isNetworkFailure(error: unknown): boolean {
  return isAxiosError(error) && !isCancel(error) && error.response === undefined
}

/** The words to show for any failure, in the current language: the server's code in words when there is one. */
export function errorWords(error: unknown): string {
  const code = errorCodeOf(error)
  let words: string
  if (code) words = codeWords(code)
  else if (isNetworkFailure(error)) words = t('errors.network')
  else {
    const status = statusOf(error)
    if (status === 429) words = codeWords('rate_limited')
    else if (status === 503) words = codeWords('service_unavailable')
    else if (status !== null && status >= 500) words = codeWords('internal_error')
    else if (status === 404) words = codeWords('not_found')
    else if (status === 403) words = codeWords('insufficient_role')
    else words = t('errors.unknown')
  }
  const status = statusOf(error)
  const wait = status === 429 || status === 503 ? retryAfterSeconds(error) : null
  if (wait !== null) words = t('errors.retryIn', { words, seconds: wait })
  // A failure on the server's side is worth reporting: the id finds its log lines.
  const reference = status !== null && status >= 500 ? requestIdOf(error) : null
  return reference === null ? words : t('errors.withReference', { words, id: reference })
}

/** The id the server gave the failed request (`x-request-id`), when the answer has one. */
export function requestIdOf(error: unknown): string | null {
  if (!isAxiosError(error)) return null
  const raw: unknown = error.response?.headers?.[REQUEST_ID_HEADER]
  return typeof raw === 'string' && /^[A-Za-z0-9._:-]{1,128}$/.test(raw) ? raw : null
}
