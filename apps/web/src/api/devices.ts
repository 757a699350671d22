import type { EndedSessions, SessionList, SessionSummary } from '@tokenauth/shared'
import { http } from './http'

/** `GET /api/sessions`: my live sessions, one per signed-in device. */
export async function listSessions(): Promise<SessionSummary[]> {
  const { data } = await http.get<SessionList>('/sessions')
  return data.sessions
}

/** `DELETE /api/sessions/:id`: that session's tokens are refused from their next request (404 if not mine). */
export async function endSession(id: string): Promise<void> {
  await http.delete(`/sessions/${encodeURIComponent(id)}`)
}

/** `DELETE /api/sessions`: every session of mine but this one; how many ended. */
export async function endOtherSessions(): Promise<number> {
  const { data } = await http.delete<EndedSessions>('/sessions')
  return data.ended
}
