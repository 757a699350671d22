import type { SessionView } from '@tokenauth/shared'
import { http } from './http'

/** `GET /api/session`: this sign-in's session — when it started, when it ends — and its items. */
export async function getSession(): Promise<SessionView> {
  const { data } = await http.get<SessionView>('/session')
  return data
}
