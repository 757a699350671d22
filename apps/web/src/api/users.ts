import type { UserList, UserSummary } from '@tokenauth/shared'
import { http } from './http'

/** `GET /api/users` (role `admin`). */
export async function listUsers(): Promise<UserSummary[]> {
  const { data } = await http.get<UserList>('/users')
  return data.users
}
