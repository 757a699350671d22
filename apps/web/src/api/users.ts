import type { EndedSessions, ResetPasswordRequest, UserList, UserSummary } from '@tokenauth/shared'
import { http } from './http'

const userPath = (id: number, action: string) => `/users/${encodeURIComponent(String(id))}/${action}`

/** `GET /api/users` (role `admin`). */
export async function listUsers(): Promise<UserSummary[]> {
  const { data } = await http.get<UserList>('/users')
  return data.users
}

/** `POST /api/users/:id/disable`: all their sessions end at once; 409 `conflict` for the last admin. */
export async function disableUser(id: number): Promise<number> {
  const { data } = await http.post<EndedSessions>(userPath(id, 'disable'))
  return data.ended
}

/** `POST /api/users/:id/enable`. */
export async function enableUser(id: number): Promise<void> {
  await http.post(userPath(id, 'enable'))
}

/** `DELETE /api/users/:id/sessions`: how many ended. */
export async function endUserSessions(id: number): Promise<number> {
  const { data } = await http.delete<EndedSessions>(userPath(id, 'sessions'))
  return data.ended
}

/** `POST /api/users/:id/password`: a new password; all their sessions end. 400 `invalid_password` says why. */
export async function resetUserPassword(id: number, newPassword: string): Promise<number> {
  const body: ResetPasswordRequest = { newPassword }
  const { data } = await http.post<EndedSessions>(userPath(id, 'password'), body, { inlineErrors: true })
  return data.ended
}
