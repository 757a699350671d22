import type { CreateUserRequest, EndedSessions, ResetPasswordRequest, SetRolesRequest, UserList, UserSummary } from '@tokenauth/shared'
import { http } from './http'

/**
 * `/api/users` (role `admin`). Every write needs a recent proof of who the admin is: a
 * refusal with `insufficient_user_authentication` opens the step-up dialog and the
 * request is sent again once (`api/interceptors/step-up.ts`). Errors show in place.
 */
const userPath = (id: number, action: string) => `/users/${encodeURIComponent(String(id))}/${action}`

/** `GET /api/users`. */
export async function listUsers(): Promise<UserSummary[]> {
  const { data } = await http.get<UserList>('/users')
  return data.users
}

/** `POST /api/users/:id/disable`: all their sessions end at once; 409 `conflict` for the last admin. */
export async function disableUser(id: number): Promise<number> {
  const { data } = await http.post<EndedSessions>(userPath(id, 'disable'), undefined, { inlineErrors: true })
  return data.ended
}

/** `POST /api/users/:id/enable`. */
export async function enableUser(id: number): Promise<void> {
  await http.post(userPath(id, 'enable'), undefined, { inlineErrors: true })
}

/** `DELETE /api/users/:id/sessions`: how many ended. */
export async function endUserSessions(id: number): Promise<number> {
  const { data } = await http.delete<EndedSessions>(userPath(id, 'sessions'), { inlineErrors: true })
  return data.ended
}

/** `DELETE /api/users/:id/second-factors`: they enrol again (nothing happens when they had none). */
export async function resetUserSecondFactors(id: number): Promise<void> {
  await http.delete(userPath(id, 'second-factors'), { inlineErrors: true })
}

/**
 * `POST /api/users/:id/password`: a new password; all their sessions end. 400
 * `invalid_password` says why. Never the caller's own account (409).
 */
export async function resetUserPassword(id: number, newPassword: string, mustChangePassword = false): Promise<number> {
  const body: ResetPasswordRequest = { newPassword, mustChangePassword }
  const { data } = await http.post<EndedSessions>(userPath(id, 'password'), body, { inlineErrors: true })
  return data.ended
}

/** `POST /api/users`: a new account. 400 `invalid_password` says why; 409 `conflict` when the name is taken. */
export async function createUser(body: CreateUserRequest): Promise<UserSummary> {
  const { data } = await http.post<UserSummary>('/users', body, { inlineErrors: true })
  return data
}

/** `PUT /api/users/:id/roles`: replaces the roles; 409 `conflict` when it would leave no admin. */
export async function setUserRoles(id: number, roles: string[]): Promise<UserSummary> {
  const body: SetRolesRequest = { roles }
  const { data } = await http.put<UserSummary>(userPath(id, 'roles'), body, { inlineErrors: true })
  return data
}

/** `DELETE /api/users/:id`: the user, their sessions and notes; 409 `conflict` for the last admin. */
export async function deleteUser(id: number): Promise<void> {
  await http.delete(`/users/${encodeURIComponent(String(id))}`, { inlineErrors: true })
}
