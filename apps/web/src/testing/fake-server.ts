import axios, { AxiosError, type AxiosAdapter, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios'
import { TOKEN_HEADER, type ErrorCode } from '@tokenauth/shared'

/** What the fake server answers for one request. */
export type FakeAnswer = { status: number; data?: unknown; headers?: Record<string, string> } | 'network-error'

/**
 * An axios instance whose adapter is a function instead of the network, so the real
 * interceptor chain runs against scripted answers. Each request waits a macrotask, so
 * parallel requests really overlap.
 */
export function fakeHttp(answer: (config: InternalAxiosRequestConfig, token: string | null) => FakeAnswer) {
  const seen: InternalAxiosRequestConfig[] = []
  const adapter: AxiosAdapter = async (config) => {
    seen.push(config)
    await new Promise((resolve) => setTimeout(resolve, 1))
    const raw = config.headers.get(TOKEN_HEADER)
    const result = answer(config, typeof raw === 'string' ? raw : null)
    if (result === 'network-error') throw new AxiosError('Network Error', AxiosError.ERR_NETWORK, config, {})
    const response: AxiosResponse = {
      status: result.status,
      statusText: String(result.status),
      headers: result.headers ?? {},
      config,
      data: result.data ?? null,
    }
    if (result.status >= 200 && result.status < 300) return response
    throw new AxiosError(`Request failed with status code ${result.status}`, AxiosError.ERR_BAD_REQUEST, config, {}, response)
  }
  return { http: axios.create({ baseURL: '/api', adapter }), seen }
}

/** The API's error body for a code. */
/** The app never shows the server's `message` (it has its own words per code): any text does here. */
export const errorBody = (code: ErrorCode) => ({ error: { code, message: `the server's words for ${code}` } })
