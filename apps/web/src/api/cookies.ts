import type { CookieList, CookieView, SetCookieRequest } from '@tokenauth/shared'
import { http } from './http'

const cookiePath = (name: string) => `/cookies/${encodeURIComponent(name)}`

/** `GET /api/cookies`: the demo cookies the browser sent (never the session cookie). */
export async function listCookies(): Promise<CookieView[]> {
  const { data } = await http.get<CookieList>('/cookies')
  return data.cookies
}

/** `GET /api/cookies/:name` (404 when the browser did not send it). */
export async function getCookie(name: string): Promise<CookieView> {
  const { data } = await http.get<CookieView>(cookiePath(name))
  return data
}

/** `PUT /api/cookies/:name`: the server answers with an HttpOnly `Set-Cookie`. */
export async function setCookie(name: string, body: SetCookieRequest): Promise<CookieView> {
  const { data } = await http.put<CookieView>(cookiePath(name), body)
  return data
}

/** `DELETE /api/cookies/:name`. */
export async function deleteCookie(name: string): Promise<void> {
  await http.delete(cookiePath(name))
}
