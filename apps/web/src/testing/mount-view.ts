import { flushPromises, mount } from '@vue/test-utils'
import type { Component } from 'vue'
import { createMemoryHistory } from 'vue-router'
import type { User } from '@tokenauth/shared'
import { createAppRouter } from '../router'
import { createAppStore, storeKey } from '../store'
import { authOf } from '../session-lifecycle/auth-access'
import { alice, fakeAuthApi, session } from './fakes'
import { stubbedRoutes } from './routes'

/** Mounts a dashboard view signed in as `user`, with the real store and router (stubbed pages) at `path`. */
export async function mountView(view: Component, { user = alice, path = '/' }: { user?: User; path?: string } = {}) {
  const api = fakeAuthApi()
  const store = createAppStore(api)
  const auth = authOf(store)
  auth.setSession(session('t', user))
  const router = createAppRouter(createMemoryHistory(), stubbedRoutes())
  await router.push(path)
  const wrapper = mount(view, { global: { plugins: [router, [store, storeKey]] }, attachTo: document.body })
  await flushPromises()
  return { wrapper, api, auth, router, store }
}

/** The button whose text is `text` (exactly), inside `root`. */
export function buttonNamed(root: { findAll(selector: string): { text(): string }[] }, text: string) {
  const found = root.findAll('button').find((button) => button.text() === text)
  if (!found) throw new Error(`No button "${text}"`)
  return found as unknown as { trigger(event: string): Promise<void> }
}
