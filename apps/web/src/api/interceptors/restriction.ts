import { isAxiosError } from 'axios'
import { RESTRICTIONS, type Restriction } from '@tokenauth/shared'
import { errorCodeOf } from '../errors'

/**
 * A 403 that says the session is restricted (an admin reset the password with "must
 * change", or the account lost its last second factor under `MFA_REQUIRED`): the app is
 * told, to go to the page that lifts it. The refusal itself goes on to its caller.
 */
export function createRestrictionNotice(restricted: (restriction: Restriction) => void) {
  return (error: unknown): Promise<never> => {
    const code = isAxiosError(error) && error.response?.status === 403 ? errorCodeOf(error) : null
    const restriction = RESTRICTIONS.find((known) => known === code)
    if (restriction !== undefined) restricted(restriction)
    return Promise.reject(error)
  }
}
