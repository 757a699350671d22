import {
  REFRESH_HEADER,
  type LoginAnswer,
  type LoginOptions,
  type LoginRequest,
  type LoginResponse,
  type PasskeyLoginRequest,
  type PasskeyRequestOptions,
  type SecondFactorLoginRequest,
  type StepUpRequest,
} from '@tokenauth/shared'
import { http } from './http'

/** `GET /api/auth/login`: what the sign-in form may offer ("keep me signed in", and for how long). */
export async function getLoginOptions(): Promise<LoginOptions> {
  const { data } = await http.get<LoginOptions>('/auth/login', { authEndpoint: 'tokenless', inlineErrors: true })
  return data
}

/**
 * `POST /api/auth/login`: a token in the body, the session in an HttpOnly cookie; or, for
 * an account with a second factor, no session yet and the challenge for the second step.
 */
export async function login(body: LoginRequest): Promise<LoginAnswer> {
  const { data } = await http.post<LoginAnswer>('/auth/login', body, { authEndpoint: 'tokenless', inlineErrors: true })
  return data
}

/** `POST /api/auth/login/second-factor`: the challenge and a code; answers as a one-step sign-in. */
export async function loginSecondFactor(body: SecondFactorLoginRequest): Promise<LoginResponse> {
  const { data } = await http.post<LoginResponse>('/auth/login/second-factor', body, { authEndpoint: 'tokenless', inlineErrors: true })
  return data
}

/** `POST /api/auth/passkey/options`: request options for "Sign in with a passkey" (any of the site's passkeys). */
export async function passkeySignInOptions(): Promise<PasskeyRequestOptions> {
  const { data } = await http.post<PasskeyRequestOptions>('/auth/passkey/options', undefined, { authEndpoint: 'tokenless', inlineErrors: true })
  return data
}

/** `POST /api/auth/passkey`: the browser's assertion; answers as a sign-in with a password does. */
export async function loginWithPasskey(body: PasskeyLoginRequest): Promise<LoginResponse> {
  const { data } = await http.post<LoginResponse>('/auth/passkey', body, { authEndpoint: 'tokenless', inlineErrors: true })
  return data
}

/**
 * `POST /api/auth/refresh`: a new access token for the session in the HttpOnly cookie.
 * The custom header is what a cross-site form or image cannot send (CSRF).
 */
export async function refresh(): Promise<LoginResponse> {
  const { data } = await http.post<LoginResponse>('/auth/refresh', undefined, {
    authEndpoint: 'tokenless',
    headers: { [REFRESH_HEADER]: '1' },
  })
  return data
}

/**
 * `POST /api/auth/logout`: ends the server session, which revokes every token of it.
 * It needs a live token (an expired one is refused before the session is ended), so it
 * `needs-token`: the token is renewed ahead of it when it is about to expire.
 */
export async function logout(): Promise<void> {
  await http.post('/auth/logout', undefined, { authEndpoint: 'needs-token' })
}

/**
 * `POST /api/auth/step-up`: a fresh proof (a passkey's assertion, a code, or without a
 * second factor the password) for a new token of the same session. 403 for a wrong one (`invalid_credentials`,
 * `invalid_second_factor`, `second_factor_required`), 429 when throttled; the dialog
 * that calls it shows them.
 */
export async function stepUp(body: StepUpRequest): Promise<LoginResponse> {
  const { data } = await http.post<LoginResponse>('/auth/step-up', body, { inlineErrors: true })
  return data
}

/** `POST /api/auth/step-up/options`: WebAuthn request options for a step-up with one of my passkeys. */
export async function stepUpPasskeyOptions(): Promise<PasskeyRequestOptions> {
  const { data } = await http.post<PasskeyRequestOptions>('/auth/step-up/options', undefined, { inlineErrors: true })
  return data
}
