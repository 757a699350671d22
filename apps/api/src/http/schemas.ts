import { ErrorBody } from '@tokenauth/shared'

/** Response schemas for the error statuses a route can answer with, all in the one shape. */
export function errorResponses<const S extends number>(...statuses: S[]): Record<S, typeof ErrorBody> {
  return Object.fromEntries(statuses.map((status) => [status, ErrorBody])) as Record<S, typeof ErrorBody>
}
