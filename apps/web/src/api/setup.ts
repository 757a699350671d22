import type { LoginResponse, SetupRequest, SetupStatus } from '@tokenauth/shared'
import { http } from './http'

/** `GET /api/setup`: whether the first admin account still has to be created. */
export async function getSetupStatus(): Promise<SetupStatus> {
  const { data } = await http.get<SetupStatus>('/setup', { authEndpoint: 'tokenless' })
  return data
}

/** `POST /api/setup`: creates the first admin with the one-time link; answers like a login. */
export async function completeSetup(body: SetupRequest): Promise<LoginResponse> {
  const { data } = await http.post<LoginResponse>('/setup', body, { authEndpoint: 'tokenless', inlineErrors: true })
  return data
}
