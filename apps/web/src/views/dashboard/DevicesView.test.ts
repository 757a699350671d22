import { flushPromises } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { SessionSummary } from '@tokenauth/shared'
import * as sessionsApi from '../../api/devices'
import { apiError } from '../../testing/fakes'
import { buttonNamed, mountView } from '../../testing/mount-view'
import DevicesView from './DevicesView.vue'

vi.mock('../../api/devices', () => ({ listSessions: vi.fn(), endSession: vi.fn(), endOtherSessions: vi.fn() }))

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString()
/** A session of `browser` `version` on `os` (a desktop), last seen that many minutes ago. */
const device = (id: string, [browser, version, os]: [string, string, string], lastSeenMinutesAgo: number, current = false): SessionSummary => ({
  id,
  client: { device: 'desktop', browser, browserVersion: version, os },
  ip: '203.0.113.7',
  createdAt: minutesAgo(120),
  lastSeenAt: minutesAgo(lastSeenMinutesAgo),
  current,
})

describe('DevicesView', () => {
  let view: Awaited<ReturnType<typeof mountView>>

  beforeEach(async () => {
    vi.clearAllMocks()
    vi.mocked(sessionsApi.listSessions).mockResolvedValue([
      device('old-laptop', ['Firefox', '128', 'Windows'], 600),
      device('here', ['Chrome', '131', 'Linux'], 0, true),
      device('phone', ['Safari', '18', 'iOS'], 5),
    ])
    view = await mountView(DevicesView, { path: '/sessions' })
  })
  afterEach(() => view.wrapper.unmount())

  const rows = () => view.wrapper.findAll('tbody tr')
  const dialog = () => view.wrapper.get('dialog')

  it('lists this device first with its badge, then the most recently active, with relative and exact times', () => {
    expect(rows().map((row) => row.find('strong').text())).toEqual(['Chrome 131 on Linux', 'Safari 18 on iOS', 'Firefox 128 on Windows'])
    expect(rows()[0]?.text()).toContain('this device')
    expect(rows()[1]?.text()).not.toContain('this device')
    const lastSeen = rows()[1]?.findAll('time')[1]
    expect(lastSeen?.text()).toBe('5 minutes ago')
    expect(lastSeen?.attributes('title')).toMatch(/\d/)
    expect(rows()[1]?.text()).toContain('203.0.113.7')
  })

  it('ends one session after confirming, and takes it off the list', async () => {
    vi.mocked(sessionsApi.endSession).mockResolvedValueOnce(undefined)
    await rows()[1]?.get('button').trigger('click')
    expect(dialog().text()).toContain('End this session?')
    expect(dialog().text()).toContain('Safari 18 on iOS (Desktop) will be signed out')
    await buttonNamed(dialog(), 'End session').trigger('click')
    await flushPromises()

    expect(sessionsApi.endSession).toHaveBeenCalledWith('phone')
    expect(rows()).toHaveLength(2)
    expect(view.wrapper.get('[data-testid="sessions-message"]').text()).toBe('Session ended: Safari 18 on iOS is signed out.')
    expect(view.wrapper.find('dialog').exists()).toBe(false)
  })

  it('Cancel ends nothing', async () => {
    await rows()[2]?.get('button').trigger('click')
    await buttonNamed(dialog(), 'Cancel').trigger('click')
    expect(sessionsApi.endSession).not.toHaveBeenCalled()
    expect(view.wrapper.find('dialog').exists()).toBe(false)
  })

  it('ends all the others after confirming, and says how many', async () => {
    vi.mocked(sessionsApi.endOtherSessions).mockResolvedValueOnce(2)
    await buttonNamed(view.wrapper, 'End all other sessions').trigger('click')
    expect(dialog().text()).toContain('2 other devices signed in as you')
    await buttonNamed(dialog(), 'End other sessions').trigger('click')
    await flushPromises()

    expect(view.wrapper.get('[data-testid="sessions-message"]').text()).toBe('2 other sessions ended.')
    expect(rows()).toHaveLength(1)
    expect(view.wrapper.get('button.btn--danger').attributes('disabled')).toBeDefined()
  })

  it('a session that had already ended is taken off the list with a word', async () => {
    vi.mocked(sessionsApi.endSession).mockRejectedValueOnce(apiError(404, 'not_found'))
    await rows()[2]?.get('button').trigger('click')
    await buttonNamed(dialog(), 'End session').trigger('click')
    await flushPromises()
    expect(view.wrapper.get('[data-testid="sessions-message"]').text()).toBe('That session had already ended.')
    expect(rows()).toHaveLength(2)
  })

  it('ending this device’s session is signing out', async () => {
    await rows()[0]?.get('button').trigger('click')
    expect(dialog().text()).toContain('Sign out this device?')
    await buttonNamed(dialog(), 'Sign out').trigger('click')
    await flushPromises()
    expect(view.api.logout).toHaveBeenCalledTimes(1)
    expect(sessionsApi.endSession).not.toHaveBeenCalled()
    expect(view.auth.token).toBeNull()
    expect(view.router.currentRoute.value.name).toBe('login')
  })
})
