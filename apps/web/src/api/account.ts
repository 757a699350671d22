import type { ChangePasswordRequest, ChangePasswordResponse } from '@tokenauth/shared'
import { http } from './http'

/**
 * `POST /api/me/password`: my other sessions end; how many did. A wrong current password
 * is 403 `invalid_credentials` (not 401: this session is fine); a weak new one is 400
 * `invalid_password` with what to do in the message.
 */
export async function changePassword(body: ChangePasswordRequest): Promise<number> {
  const { data } = await http.post<ChangePasswordResponse>('/me/password', body, { inlineErrors: true })
  return data.endedSessions
}
