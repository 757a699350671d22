import type { InjectionKey } from 'vue'
import { createStore, useStore, type Store } from 'vuex'
import { createAuthModule, type AuthApi } from '../session-lifecycle/auth-module'
import { authOf } from '../session-lifecycle/auth-access'
import type { RootState } from './state'

export type { AuthState, RootState } from './state'

/** The typed key the store is installed and looked up with. */
export const storeKey: InjectionKey<Store<RootState>> = Symbol('store')

/** The app's Vuex store. The API is passed in so tests can give a fake one. */
export function createAppStore(api: AuthApi): Store<RootState> {
  return createStore<RootState>({
    modules: { auth: createAuthModule(api) },
    strict: import.meta.env.DEV,
  })
}

/** The typed store inside a component. */
export function useAppStore(): Store<RootState> {
  return useStore(storeKey)
}

/** The auth module's typed facade inside a component. */
export function useAuth() {
  return authOf(useAppStore())
}
