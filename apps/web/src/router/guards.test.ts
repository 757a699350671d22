import { describe, expect, it } from 'vitest'
import { createMemoryHistory, type Router } from 'vue-router'
import type { Restriction, User } from '@tokenauth/shared'
import { alice, bob, deferred } from '../testing/fakes'
import { stubbedRoutes } from '../testing/routes'
import { createAppRouter } from '.'
import { createAuthGuard } from './guards'

function routerFor(user: User | null, ready: Promise<unknown> = Promise.resolve()): Router {
  const router = createAppRouter(createMemoryHistory(), stubbedRoutes())
  router.beforeEach(createAuthGuard({ currentUser: () => user, ready: () => ready }))
  return router
}

async function land(router: Router, path: string) {
  await router.push(path)
  return router.currentRoute.value
}

describe('auth guard', () => {
  it('sends an anonymous visitor to login with the whole path and query as ?redirect=', async () => {
    const route = await land(routerFor(null), '/notes?tab=mine&sort=new')
    expect(route.name).toBe('login')
    expect(route.query.redirect).toBe('/notes?tab=mine&sort=new')
  })

  it('lets an anonymous visitor see public pages (login, setup, 404)', async () => {
    expect((await land(routerFor(null), '/login')).name).toBe('login')
    expect((await land(routerFor(null), '/setup')).name).toBe('setup')
    expect((await land(routerFor(null), '/no/such/page')).name).toBe('not-found')
  })

  it('shows a signed-in user the 404 page inside the dashboard, at the same address', async () => {
    const route = await land(routerFor(bob), '/no/such/page?x=1')
    expect(route.name).toBe('signed-in-not-found')
    expect(route.fullPath).toBe('/no/such/page?x=1')
    expect(route.matched.length).toBe(2)
  })

  it('sends a plain user to the 403 page for an admin-only route', async () => {
    const route = await land(routerFor(bob), '/users')
    expect(route.name).toBe('forbidden')
  })

  it('lets an admin open the admin-only routes', async () => {
    expect((await land(routerFor(alice), '/users')).name).toBe('users')
    expect((await land(routerFor(alice), '/audit?kind=logout')).name).toBe('audit')
  })

  it('keeps the audit log from a plain user, like the users page', async () => {
    expect((await land(routerFor(bob), '/audit')).name).toBe('forbidden')
  })

  it('lets a signed-in user open every other page', async () => {
    const pages = [['/', 'overview'], ['/notes', 'notes'], ['/sessions', 'devices'], ['/profile', 'profile'], ['/session', 'server-storage']] as const
    for (const [path, name] of pages) {
      expect((await land(routerFor(bob), path)).name).toBe(name)
    }
  })

  it('sends a signed-in user away from the login page to the dashboard', async () => {
    expect((await land(routerFor(bob), '/login')).name).toBe('overview')
  })

  it('honours a safe ?redirect= on the login page for a signed-in user, and ignores an evil one', async () => {
    expect((await land(routerFor(bob), '/login?redirect=%2Fnotes%3Fx%3D1')).fullPath).toBe('/notes?x=1')
    expect((await land(routerFor(bob), '/login?redirect=%2F%2Fevil.example')).name).toBe('overview')
  })

  it('waits for the boot-time restore before deciding', async () => {
    let user: User | null = null
    const restored = deferred<undefined>()
    const router = createAppRouter(createMemoryHistory(), stubbedRoutes())
    router.beforeEach(createAuthGuard({ currentUser: () => user, ready: () => restored.promise }))

    const navigation = router.push('/notes')
    await new Promise((resolve) => setTimeout(resolve, 5))
    expect(router.currentRoute.value.name).toBeUndefined()
    user = alice
    restored.resolve(undefined)
    await navigation
    expect(router.currentRoute.value.name).toBe('notes')
  })

  it('treats a failed restore as signed out, not as a hang', async () => {
    const route = await land(routerFor(null, Promise.reject(new Error('offline'))), '/notes')
    expect(route.name).toBe('login')
  })
})

describe('auth guard, restricted sessions', () => {
  function restrictedRouter(restriction: { current: Restriction | null }): Router {
    const router = createAppRouter(createMemoryHistory(), stubbedRoutes())
    router.beforeEach(createAuthGuard({ currentUser: () => bob, restriction: () => restriction.current, ready: () => Promise.resolve() }))
    return router
  }

  it('keeps a session that must change its password on that page, remembering where it was going', async () => {
    const router = restrictedRouter({ current: 'password_change_required' })
    const route = await land(router, '/notes?tab=mine')
    expect(route.name).toBe('password-change-required')
    expect(route.query.redirect).toBe('/notes?tab=mine')
    for (const path of ['/', '/profile', '/users', '/set-up-second-factor']) expect((await land(router, path)).name, path).toBe('password-change-required')
  })

  it('keeps a session without its required second factor on the enrolment page, and lets it go on once enrolled', async () => {
    const restriction: { current: Restriction | null } = { current: 'second_factor_enrolment_required' }
    const router = restrictedRouter(restriction)
    expect((await land(router, '/')).name).toBe('second-factor-enrolment')
    expect((await land(router, '/notes')).query.redirect).toBe('/notes')
    restriction.current = null
    expect((await land(router, '/set-up-second-factor?redirect=/sessions')).name).toBe('devices')
    expect((await land(router, '/change-password')).name).toBe('overview')
  })

  it('sends a signed-in, restricted person from the login page to the restricted page', async () => {
    const router = restrictedRouter({ current: 'password_change_required' })
    const route = await land(router, '/login?redirect=/notes')
    expect(route.name).toBe('password-change-required')
    expect(route.query.redirect).toBe('/notes')
  })
})
