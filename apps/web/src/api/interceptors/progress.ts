import { isAxiosError, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios'
import { SLOW_REQUEST_MS, type Progress } from '../../feedback/progress'

/** Request/response interceptors that show the progress bar while a request is slow. */
export function createProgressInterceptors(progress: Pick<Progress, 'start'>, delayMs = SLOW_REQUEST_MS) {
  const running = new WeakMap<object, () => void>()
  const finish = (config: object | undefined) => {
    if (!config) return
    running.get(config)?.()
    running.delete(config)
  }
  return {
    onRequest(config: InternalAxiosRequestConfig): InternalAxiosRequestConfig {
      running.set(config, progress.start(delayMs))
      return config
    },
    onResponse(response: AxiosResponse): AxiosResponse {
      finish(response.config)
      return response
    },
    onError(error: unknown): never {
      if (isAxiosError(error)) finish(error.config)
      throw error
    },
  }
}
