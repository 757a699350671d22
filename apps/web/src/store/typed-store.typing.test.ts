import { describe, expect, expectTypeOf, it } from 'vitest'
import type { ActionContext } from 'vuex'
import type { SecondFactorRequired, User } from '@tokenauth/shared'
import { fakeAuthApi, session } from '../testing/fakes'
import { createAppStore, useAppStore, type AppStore, type AuthState, type RootState } from '.'
import { authGetter, commitAuth, commitInAuth, dispatchAuth, dispatchInAuth } from './typed-store'

/**
 * The typed helpers are checked by `vue-tsc` (pnpm typecheck): every `@ts-expect-error`
 * below must be an error, or the typecheck fails with "Unused '@ts-expect-error'
 * directive". So a misspelled action, mutation or getter, and a wrong or missing payload,
 * do not compile. The misuses sit in a function that is never called: they are for the
 * compiler, not for Vuex.
 */
function misuses(store: AppStore, context: ActionContext<AuthState, RootState>): void {
  /* eslint-disable no-restricted-syntax -- the store's own dispatch and commit, to prove they are typed too */
  // @ts-expect-error: no action "auth/lgoin"
  void useAppStore().dispatch('auth/lgoin')
  // @ts-expect-error: no action "auth/lgoin"
  void store.dispatch('auth/lgoin', { username: 'a', password: 'b' })
  // @ts-expect-error: an action of the module needs its namespace
  void store.dispatch('login', { username: 'a', password: 'b' })
  // @ts-expect-error: login needs its body
  void store.dispatch('auth/login')
  // @ts-expect-error: no mutation "auth/setSesion"
  store.commit('auth/setSesion', session('t'))
  // @ts-expect-error: setLifetime takes a string or null
  store.commit('auth/setLifetime', 42)
  /* eslint-enable no-restricted-syntax */
  // @ts-expect-error: no getter "auth/isAdmin"
  void store.getters['auth/isAdmin']
  // @ts-expect-error: inside the module, no action "lgoin" either
  void dispatchInAuth(context, 'lgoin')
  // @ts-expect-error: inside the module, loadLifetime takes no payload
  void dispatchInAuth(context, 'loadLifetime', 'now')
  // @ts-expect-error: inside the module, no mutation "clera"
  commitInAuth(context, 'clera')
  // @ts-expect-error: no action "logn"
  void dispatchAuth(store, 'logn', { username: 'a', password: 'b' })
  // @ts-expect-error: login needs its body
  void dispatchAuth(store, 'login')
  // @ts-expect-error: the body has no "user" field
  void dispatchAuth(store, 'login', { user: 'a', password: 'b' })
  // @ts-expect-error: renew takes no payload
  void dispatchAuth(store, 'renew', 'now')
  // @ts-expect-error: no mutation "setSesion"
  commitAuth(store, 'setSesion', session('t'))
  // @ts-expect-error: setLifetime takes a string or null
  commitAuth(store, 'setLifetime', 42)
  // @ts-expect-error: setSession needs its session
  commitAuth(store, 'setSession')
  // @ts-expect-error: no getter "isAdmin"
  void authGetter(store, 'isAdmin')
  // @ts-expect-error: the removed getters are gone for good
  void authGetter(store, 'isAuthenticated')
}

describe('the store is typed by its modules’ own definitions', () => {
  it('each action resolves to what it returns, each getter is what it holds', () => {
    expectTypeOf<ReturnType<typeof dispatchAuth<'login'>>>().resolves.toEqualTypeOf<User | SecondFactorRequired>()
    expectTypeOf<ReturnType<typeof dispatchAuth<'loginSecondFactor'>>>().resolves.toEqualTypeOf<User>()
    expectTypeOf<ReturnType<typeof dispatchAuth<'renew'>>>().resolves.toEqualTypeOf<string>()
    expectTypeOf<ReturnType<typeof dispatchAuth<'restore'>>>().resolves.toEqualTypeOf<boolean>()
    expectTypeOf<ReturnType<typeof authGetter<'hasRole'>>>().toEqualTypeOf<(role: string) => boolean>()
    const store = createAppStore(fakeAuthApi())
    expectTypeOf(store.dispatch<'auth/login'>).returns.resolves.toEqualTypeOf<User | SecondFactorRequired>()
    expectTypeOf(store.dispatch<'auth/readSession'>).parameters.toEqualTypeOf<['auth/readSession', ('fresh' | 'recent')?]>()
    expectTypeOf<AppStore['getters']['auth/hasRole']>().toEqualTypeOf<(role: string) => boolean>()
    expect(misuses).toBeTypeOf('function')
  })

  it('the helpers reach the real module', async () => {
    const store = createAppStore(fakeAuthApi())
    commitAuth(store, 'setSession', session('t'))
    expect(store.state.auth.token).toBe('t')
    expect(authGetter(store, 'hasRole')('admin')).toBe(true)
    await expect(dispatchAuth(store, 'login', { username: 'alice', password: 'pw' })).resolves.toEqual(session('x').user)
    commitAuth(store, 'clear')
    expect(store.state.auth.user).toBeNull()
  })
})
