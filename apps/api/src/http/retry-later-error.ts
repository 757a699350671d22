import type { ErrorCode } from '@tokenauth/shared'
import { ApiError } from './api-error.js'

/**
 * An `ApiError` (429 or 503) that tells the client when to come back: the `retry-after`
 * plugin turns `retryAfterSeconds` into the `Retry-After` header (RFC 9110 §10.2.3).
 */
export class RetryLaterError extends ApiError {
  override name = 'RetryLaterError'
  constructor(
    statusCode: 429 | 503,
    code: ErrorCode,
    readonly retryAfterSeconds: number,
    message?: string,
  ) {
    super(statusCode, code, message)
  }
}

/** "8 seconds", "1 minute", "15 minutes": a wait in words for an error message. */
export function describeWait(seconds: number): string {
  if (seconds < 120) return seconds === 1 ? '1 second' : `${seconds} seconds`
  const minutes = Math.ceil(seconds / 60)
  return `${minutes} minutes`
}
