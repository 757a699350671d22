import type { ErrorBody, ErrorCode } from '@tokenauth/shared'
import { errorMessages } from './error-messages.js'

/**
 * An error a handler throws to answer with a 4xx/5xx in the one error shape.
 * The error handler turns it into `{ error: { code, message } }`.
 */
export class ApiError extends Error {
  override name = 'ApiError'
  constructor(
    readonly statusCode: number,
    readonly code: ErrorCode,
    message: string = errorMessages[code],
  ) {
    super(message)
  }
}

/** The body for an error code, with its default words unless given others. */
export function errorBody(code: ErrorCode, message: string = errorMessages[code]): ErrorBody {
  return { error: { code, message } }
}
