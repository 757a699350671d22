import type { InjectionKey } from 'vue'
import { createStore, useStore, type Plugin } from 'vuex'
import { createAuthModule, type AuthApi } from '../session-lifecycle/auth-module'
import { authOf } from '../session-lifecycle/auth-access'
import { dropFlights } from '../session-lifecycle/flights'
import type { RootState } from './state'
import type { AppStore } from './typed-store'

export type { AuthState, RootState } from './state'
export type { AppStore } from './typed-store'

/** The typed key the store is installed and looked up with. */
export const storeKey: InjectionKey<AppStore> = Symbol('store')

/** Whatever clears the session (sign-out, a session that ended) also drops its in-flight promises. */
const dropFlightsOnClear: Plugin<RootState> = (store) => {
  store.subscribe((mutation, state) => {
    if (mutation.type === 'auth/clear') dropFlights(state.auth)
  })
}

/** The app's Vuex store. The API is passed in so tests can give a fake one. */
export function createAppStore(api: AuthApi): AppStore {
  return createStore<RootState>({
    modules: { auth: createAuthModule(api) },
    plugins: [dropFlightsOnClear],
    strict: import.meta.env.DEV,
  })
}

/** The typed store inside a component. */
export function useAppStore(): AppStore {
  return useStore(storeKey)
}

/** The auth module's typed facade inside a component. */
export function useAuth() {
  return authOf(useAppStore())
}
