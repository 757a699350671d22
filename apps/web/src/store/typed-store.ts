import type { ActionContext, Store } from 'vuex'
import type { AuthActions, AuthGetters, AuthMutations } from '../session-lifecycle/auth-module'
import type { AuthState, RootState } from './state'

/*
 * The one file that calls Vuex's `dispatch` and `commit` (ESLint forbids them anywhere
 * else): every name and payload below is derived from the modules' own definitions, so a
 * misspelled action or mutation, or a wrong or missing payload, does not compile
 * (`typed-store.typing.test.ts` proves it).
 */

/** The arguments after the state or context: none, or exactly the one payload. */
export type PayloadArgs<F> = F extends (first: never, ...rest: infer Rest) => unknown ? Rest : never

/** What an action's promise resolves to. */
export type ActionResult<F> = F extends (...args: never[]) => infer R ? Awaited<R> : never

/** A module's definitions under its namespace: `login` in `auth` is `auth/login`. */
type Namespaced<Module extends string, Definitions> = { [Name in keyof Definitions & string as `${Module}/${Name}`]: Definitions[Name] }

/** Every action, mutation and getter of the store by its full name (one `Namespaced` per module). */
export type AppActions = Namespaced<'auth', AuthActions>
export type AppMutations = Namespaced<'auth', AuthMutations>
export type AppGetters = Namespaced<'auth', AuthGetters>

/**
 * The app's store as the app sees it: Vuex's `Store<RootState>` with `dispatch`, `commit`
 * and `getters` typed by the modules, instead of any string and any payload.
 */
export interface AppStore extends Omit<Store<RootState>, 'dispatch' | 'commit' | 'getters'> {
  dispatch<K extends keyof AppActions>(type: K, ...payload: PayloadArgs<AppActions[K]>): Promise<ActionResult<AppActions[K]>>
  commit<K extends keyof AppMutations>(type: K, ...payload: PayloadArgs<AppMutations[K]>): void
  readonly getters: { readonly [K in keyof AppGetters]: ReturnType<AppGetters[K]> }
}

/** An action's context in the auth module: Vuex's, with untyped names. */
type AuthContext = Pick<ActionContext<AuthState, RootState>, 'commit' | 'dispatch'>

/** Vuex's own store, untyped names: only the helpers below hand it names, all checked. */
type UntypedStore = Pick<Store<RootState>, 'dispatch' | 'commit'>

/** `store.commit('auth/…')`, typed by the module's own mutations. */
export function commitAuth<K extends keyof AuthMutations>(store: AppStore, type: K, ...payload: PayloadArgs<AuthMutations[K]>): void {
  const untyped: UntypedStore = store
  untyped.commit(`auth/${type}`, payload[0])
}

/** `store.dispatch('auth/…')`, typed by the module's own actions, resolving to what the action returns. */
export function dispatchAuth<K extends keyof AuthActions>(store: AppStore, type: K, ...payload: PayloadArgs<AuthActions[K]>): Promise<ActionResult<AuthActions[K]>> {
  const untyped: UntypedStore = store
  return untyped.dispatch(`auth/${type}`, payload[0])
}

/** `store.getters['auth/…']`, typed by the module's own getters. */
export function authGetter<K extends keyof AuthGetters>(store: Pick<AppStore, 'getters'>, name: K): ReturnType<AuthGetters[K]> {
  return store.getters[`auth/${name}`]
}

/** Inside the auth module: `commit` of its context, typed by its own (local, not namespaced) mutation names. */
export function commitInAuth<K extends keyof AuthMutations>(context: AuthContext, type: K, ...payload: PayloadArgs<AuthMutations[K]>): void {
  context.commit(type, payload[0])
}

/** Inside the auth module: `dispatch` of its context, typed by its own action names, resolving to what the action returns. */
export function dispatchInAuth<K extends keyof AuthActions>(context: AuthContext, type: K, ...payload: PayloadArgs<AuthActions[K]>): Promise<ActionResult<AuthActions[K]>> {
  return context.dispatch(type, payload[0])
}
