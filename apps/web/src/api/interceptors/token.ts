import type { InternalAxiosRequestConfig } from 'axios'
import { TOKEN_HEADER } from '@tokenauth/shared'

const ABSOLUTE_URL = /^(?:[a-z][a-z\d+.-]*:|\/\/)/i

/**
 * Request interceptor: puts the access token in the `token` header (the seed's
 * convention). Only for our own relative API URLs, so the token never leaves the origin.
 * `noteSent` tells the session lifecycle the request is going out (it notes whom for,
 * so the request is never retried for someone else).
 */
export function createTokenInterceptor(currentToken: () => string | null, noteSent: (config: InternalAxiosRequestConfig) => void = () => {}) {
  return (config: InternalAxiosRequestConfig): InternalAxiosRequestConfig => {
    const token = currentToken()
    const ownOrigin = !ABSOLUTE_URL.test(config.url ?? '') && !ABSOLUTE_URL.test(config.baseURL ?? '')
    if (token && ownOrigin) config.headers.set(TOKEN_HEADER, token)
    else config.headers.delete(TOKEN_HEADER)
    noteSent(config)
    return config
  }
}
