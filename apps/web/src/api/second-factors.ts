import type { RecoveryCodesResponse, SecondFactorStatus, TotpEnrolment } from '@tokenauth/shared'
import { http } from './http'

let asking: Promise<SecondFactorStatus> | null = null

/**
 * `GET /api/me/second-factors`: the authenticator app, the passkeys and how many recovery
 * codes are left. The profile's panels ask together when it opens: one request answers both.
 */
export function getSecondFactors(): Promise<SecondFactorStatus> {
  asking ??= http
    .get<SecondFactorStatus>('/me/second-factors')
    .then(({ data }) => data)
    .finally(() => {
      asking = null
    })
  return asking
}

/** `POST /api/me/second-factors/totp`: a new secret, its URI and QR code; nothing is on until confirmed. */
export async function beginTotp(): Promise<TotpEnrolment> {
  const { data } = await http.post<TotpEnrolment>('/me/second-factors/totp', undefined, { inlineErrors: true })
  return data
}

/**
 * `POST /api/me/second-factors/totp/confirm`: turns the app on with its first code; the ten
 * recovery codes when it is the first factor (empty otherwise). A wrong code is 403 `invalid_second_factor`.
 */
export async function confirmTotp(code: string): Promise<string[]> {
  const { data } = await http.post<RecoveryCodesResponse>('/me/second-factors/totp/confirm', { code }, { inlineErrors: true })
  return data.recoveryCodes
}

/** `POST /api/me/second-factors/recovery-codes`, with no body: ten new codes, the old ones void. */
export async function regenerateRecoveryCodes(): Promise<string[]> {
  const { data } = await http.post<RecoveryCodesResponse>('/me/second-factors/recovery-codes', undefined, { inlineErrors: true })
  return data.recoveryCodes
}

/** `DELETE /api/me/second-factors/totp`: turns the app off (and voids the recovery codes); needs a recent step-up. */
export async function disableTotp(): Promise<void> {
  await http.delete('/me/second-factors/totp', { inlineErrors: true })
}
