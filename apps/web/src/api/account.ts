import type { ChangePasswordRequest, ChangePasswordResponse, MeResponse, MyPermissions, MySignIn, MySignIns, Permission } from '@tokenauth/shared'
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

/** `GET /api/me/sign-ins`: my newest sign-ins and refused tries, for the Overview. */
export async function listMySignIns(): Promise<MySignIn[]> {
  const { data } = await http.get<MySignIns>('/me/sign-ins')
  return data.signIns
}

/** `GET /api/me/permissions`: what my roles let me do, by the server's own route rules. */
export async function listMyPermissions(): Promise<Permission[]> {
  const { data } = await http.get<MyPermissions>('/me/permissions')
  return data.permissions
}

/** `GET /api/me`: who I am, and what my session must do first (`restriction`), as the server judges it now. */
export async function getMe(): Promise<MeResponse> {
  const { data } = await http.get<MeResponse>('/me')
  return data
}
