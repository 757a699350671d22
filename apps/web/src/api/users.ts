import type { AdminConfirmationRequest, CreateUserRequest, EndedSessions, ResetPasswordRequest, SetRolesRequest, UserList, UserSummary } from '@tokenauth/shared'
import { http } from './http'

const userPath = (id: number, action: string) => `/users/${encodeURIComponent(String(id))}/${action}`

/** `GET /api/users` (role `admin`). */
export async function listUsers(): Promise<UserSummary[]> {
  const { data } = await http.get<UserList>('/users')
  return data.users
}

/**
 * The acting admin's own password, for the requests that grant admin or act on another
 * admin (`needsAdminPassword`): 403 `invalid_credentials` when it is missing or wrong,
 * 429 when too many were wrong. These calls show their errors in place.
 */
const confirmation = (adminPassword: string | undefined): AdminConfirmationRequest => (adminPassword === undefined ? {} : { adminPassword })

/** `POST /api/users/:id/disable`: all their sessions end at once; 409 `conflict` for the last admin. */
export async function disableUser(id: number, adminPassword?: string): Promise<number> {
  const { data } = await http.post<EndedSessions>(userPath(id, 'disable'), confirmation(adminPassword), { inlineErrors: true })
  return data.ended
}

/** `POST /api/users/:id/enable`. */
export async function enableUser(id: number, adminPassword?: string): Promise<void> {
  await http.post(userPath(id, 'enable'), confirmation(adminPassword), { inlineErrors: true })
}

/** `DELETE /api/users/:id/sessions`: how many ended. */
export async function endUserSessions(id: number, adminPassword?: string): Promise<number> {
  const { data } = await http.delete<EndedSessions>(userPath(id, 'sessions'), { data: confirmation(adminPassword), inlineErrors: true })
  return data.ended
}

/**
 * `POST /api/users/:id/password`: a new password; all their sessions end. 400 `invalid_password`
 * says why. Another admin's password needs the acting admin's own (`adminPassword`). Never
 * the caller's own account (409).
 */
export async function resetUserPassword(id: number, newPassword: string, adminPassword?: string): Promise<number> {
  const body: ResetPasswordRequest = adminPassword === undefined ? { newPassword } : { newPassword, adminPassword }
  const { data } = await http.post<EndedSessions>(userPath(id, 'password'), body, { inlineErrors: true })
  return data.ended
}

/** `POST /api/users`: a new account (an admin needs `adminPassword`). 400 `invalid_password` says why; 409 `conflict` when the name is taken. */
export async function createUser(body: CreateUserRequest): Promise<UserSummary> {
  const { data } = await http.post<UserSummary>('/users', body, { inlineErrors: true })
  return data
}

/** `PUT /api/users/:id/roles`: replaces the roles; 409 `conflict` when it would leave no admin. */
export async function setUserRoles(id: number, roles: string[], adminPassword?: string): Promise<UserSummary> {
  const body: SetRolesRequest = { roles, ...confirmation(adminPassword) }
  const { data } = await http.put<UserSummary>(userPath(id, 'roles'), body, { inlineErrors: true })
  return data
}

/** `DELETE /api/users/:id`: the user, their sessions and notes; 409 `conflict` for the last admin. */
export async function deleteUser(id: number, adminPassword?: string): Promise<void> {
  await http.delete(`/users/${encodeURIComponent(String(id))}`, { data: confirmation(adminPassword), inlineErrors: true })
}
