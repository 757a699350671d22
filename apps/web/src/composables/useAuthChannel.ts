import { inject } from 'vue'
import { authChannelKey, type AuthChannel } from '../sync/auth-channel'

const silent: AuthChannel = { post: () => undefined, subscribe: () => () => undefined, close: () => undefined }

/** The cross-tab channel main.ts provides (a silent one where none was, as in tests). */
export function useAuthChannel(): AuthChannel {
  return inject(authChannelKey, silent)
}
