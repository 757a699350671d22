import { describe, expect, it, vi } from 'vitest'
import { createMemoryHistory } from 'vue-router'
import { stubbedRoutes } from '../testing/routes'
import { createAppRouter } from '.'
import { endSharedSessionReadOnLeave } from './session-read'

describe('sharing the read of the session with the landing page', () => {
  it('ends when the user leaves a signed-in page, not on the first load or when leaving the sign-in page', async () => {
    const router = createAppRouter(createMemoryHistory(), stubbedRoutes())
    const auth = { endSharedRead: vi.fn() }
    endSharedSessionReadOnLeave(router, auth)

    await router.push('/login') // the first load
    await router.push('/') // landing after signing in
    expect(auth.endSharedRead).not.toHaveBeenCalled()
    await router.push('/notes') // moving on
    expect(auth.endSharedRead).toHaveBeenCalledTimes(1)
    await router.push('/session')
    expect(auth.endSharedRead).toHaveBeenCalledTimes(2)
  })
})
