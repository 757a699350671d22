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
