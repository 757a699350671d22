import type { PasskeyAdded, PasskeyCreationOptions, PasskeyRegistrationResponse } from '@tokenauth/shared'
import { http } from './http'

/** `POST /api/me/passkeys/options`: creation options for a new passkey (needs a sign-in of the last five minutes). */
export async function passkeyCreationOptions(): Promise<PasskeyCreationOptions> {
  const { data } = await http.post<PasskeyCreationOptions>('/me/passkeys/options', undefined, { inlineErrors: true })
  return data
}

/** `POST /api/me/passkeys`: the browser's registration response, stored under `name`; recovery codes when it is the first factor. */
export async function addPasskey(name: string, response: PasskeyRegistrationResponse): Promise<PasskeyAdded> {
  const { data } = await http.post<PasskeyAdded>('/me/passkeys', { name, response }, { inlineErrors: true })
  return data
}

/** `PATCH /api/me/passkeys/:id`. */
export async function renamePasskey(id: number, name: string): Promise<void> {
  await http.patch(`/me/passkeys/${id}`, { name }, { inlineErrors: true })
}

/** `DELETE /api/me/passkeys/:id`. */
export async function removePasskey(id: number): Promise<void> {
  await http.delete(`/me/passkeys/${id}`, { inlineErrors: true })
}
