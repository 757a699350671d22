import type { SessionItem, SetSessionItemRequest } from '@tokenauth/shared'
import { http } from './http'

// The cookie-and-items page's server side: small values kept with the session.
const itemPath = (key: string) => `/session/items/${encodeURIComponent(key)}`

/** `GET /api/session/items/:key` (404 `not_found` when absent). */
export async function getSessionItem(key: string): Promise<SessionItem> {
  const { data } = await http.get<SessionItem>(itemPath(key))
  return data
}

/** `PUT /api/session/items/:key`. */
export async function setSessionItem(key: string, value: string): Promise<SessionItem> {
  const body: SetSessionItemRequest = { value }
  const { data } = await http.put<SessionItem>(itemPath(key), body)
  return data
}

/** `DELETE /api/session/items/:key`. */
export async function deleteSessionItem(key: string): Promise<void> {
  await http.delete(itemPath(key))
}

/** `DELETE /api/session/items`: the seed's `session.clear()`, for the user's items only. */
export async function clearSessionItems(): Promise<void> {
  await http.delete('/session/items')
}
