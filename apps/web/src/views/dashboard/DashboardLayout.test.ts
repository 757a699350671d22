import { defineComponent, h, onMounted } from 'vue'
import { flushPromises, mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import { createMemoryHistory, RouterView, type RouteRecordRaw } from 'vue-router'
import { createAppRouter } from '../../router'
import { createAppStore, storeKey } from '../../store'
import { authOf } from '../../session-lifecycle/auth-access'
import { alice, bob, fakeAuthApi, session } from '../../testing/fakes'
import { stubbedRoutes } from '../../testing/routes'
import DashboardLayout from './DashboardLayout.vue'

describe('DashboardLayout', () => {
  it('starts its pages afresh when someone else signs in, not when the same user renews or signs out', async () => {
    let mounts = 0
    const Page = defineComponent({ setup: () => (onMounted(() => mounts++), () => h('p', 'a page')) })
    // The real route table, with this layout and a page that counts its mounts.
    const routes: RouteRecordRaw[] = stubbedRoutes().map((record) =>
      record.path === '/'
        ? ({
            ...record,
            component: DashboardLayout,
            children: record.children?.map((child) => (child.name === 'notes' ? { ...child, component: Page } : child)),
          } as RouteRecordRaw)
        : record,
    )
    const router = createAppRouter(createMemoryHistory(), routes)
    await router.push('/notes')
    const store = createAppStore(fakeAuthApi())
    const auth = authOf(store)
    auth.setSession(session('t', alice))
    const wrapper = mount({ render: () => h(RouterView) }, { global: { plugins: [router, [store, storeKey]] } })
    await flushPromises()
    expect(mounts).toBe(1)

    auth.setSession(session('renewed', alice))
    await flushPromises()
    expect(mounts).toBe(1)

    auth.setSession(session('bobs', bob))
    await flushPromises()
    expect(mounts).toBe(2)

    auth.clear()
    await flushPromises()
    expect(mounts).toBe(2)
    wrapper.unmount()
  })
})
