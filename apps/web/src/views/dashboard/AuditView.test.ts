import { flushPromises } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { AuditEvent } from '@tokenauth/shared'
import * as auditApi from '../../api/audit'
import * as usersApi from '../../api/users'
import { mountView } from '../../testing/mount-view'
import AuditView from './AuditView.vue'

vi.mock('../../api/audit', () => ({ listAuditEvents: vi.fn() }))
vi.mock('../../api/users', () => ({ listUsers: vi.fn() }))

const event = (id: number, kind: AuditEvent['kind'] = 'login_succeeded', username = 'alice'): AuditEvent => ({
  id,
  at: new Date(Date.UTC(2030, 0, 1, 10, id)).toISOString(),
  kind,
  userId: username === 'alice' ? 1 : 2,
  username,
  ip: '127.0.0.1',
  userAgent: 'Mozilla/5.0 HeadlessChrome',
  client: { device: 'desktop', browser: 'Chrome', browserVersion: '156', os: 'Linux' },
  ref: 'abcdef012345',
  detail: kind === 'login_failed' ? { reason: 'wrong_password' } : null,
})

describe('AuditView', () => {
  let view: Awaited<ReturnType<typeof mountView>>

  beforeEach(() => {
    vi.clearAllMocks()
    vi.mocked(usersApi.listUsers).mockResolvedValue([
      { id: 1, username: 'alice', roles: ['admin'], disabled: false, createdAt: '2030-01-01T00:00:00.000Z', sessions: 1 },
      { id: 2, username: 'bob', roles: [], disabled: false, createdAt: '2030-01-01T00:00:00.000Z', sessions: 0 },
    ])
    vi.mocked(auditApi.listAuditEvents).mockImplementation(async (filter) =>
      filter?.before === '3'
        ? { events: [event(2), event(1, 'login_failed')], nextBefore: null }
        : { events: [event(5, 'logout'), event(4), event(3)], nextBefore: '3' },
    )
  })
  afterEach(() => view.wrapper.unmount())

  const rows = () => view.wrapper.findAll('tbody tr')

  it('shows the newest page with kinds in words, and "Older" adds the next page below', async () => {
    view = await mountView(AuditView, { path: '/audit' })
    // Renewals (one per reload) are left out unless asked for.
    expect(auditApi.listAuditEvents).toHaveBeenCalledWith({ excludeKind: 'token_renewed', limit: 50 })
    expect(rows().map((row) => row.findAll('td')[1]?.text())).toEqual(['Signed out', 'Signed in', 'Signed in'])
    expect(view.wrapper.get('[data-testid="audit-status"]').text()).toBe('Showing 3 events.')

    await view.wrapper.findAll('button').find((b) => b.text() === 'Older')?.trigger('click')
    await flushPromises()
    expect(auditApi.listAuditEvents).toHaveBeenLastCalledWith({ excludeKind: 'token_renewed', before: '3', limit: 50 })
    expect(rows()).toHaveLength(5)
    expect(rows()[4]?.text()).toContain('Sign-in failed')
    // The detail in words, not the raw code.
    expect(rows()[4]?.text()).toContain('wrong password')
    expect(rows()[4]?.text()).not.toContain('wrong_password')
    expect(view.wrapper.text()).toContain('No older events.')
  })

  it('reads the filters from the URL, and writes them there', async () => {
    view = await mountView(AuditView, { path: '/audit?userId=2&kind=login_failed' })
    expect(auditApi.listAuditEvents).toHaveBeenCalledWith({ userId: 2, kind: 'login_failed', limit: 50 })
    expect((view.wrapper.get('#audit-user').element as HTMLSelectElement).value).toBe('2')
    expect((view.wrapper.get('#audit-kind').element as HTMLSelectElement).value).toBe('login_failed')

    await view.wrapper.get('#audit-kind').setValue('logout')
    await flushPromises()
    expect(view.router.currentRoute.value.fullPath).toBe('/audit?userId=2&kind=logout')
    expect(auditApi.listAuditEvents).toHaveBeenLastCalledWith({ userId: 2, kind: 'logout', limit: 50 })

    await view.wrapper.get('#audit-user').setValue('')
    await flushPromises()
    expect(view.router.currentRoute.value.fullPath).toBe('/audit?kind=logout')

    // Back restores the previous filters (and the list follows the URL).
    view.router.back()
    await vi.waitFor(() => expect(view.router.currentRoute.value.fullPath).toBe('/audit?userId=2&kind=logout'))
    await flushPromises()
    expect(auditApi.listAuditEvents).toHaveBeenLastCalledWith({ userId: 2, kind: 'logout', limit: 50 })
  })

  it('ignores filters in the URL that make no sense', async () => {
    view = await mountView(AuditView, { path: '/audit?userId=abc&kind=made_up&hide=made_up' })
    expect(auditApi.listAuditEvents).toHaveBeenCalledWith({ excludeKind: 'token_renewed', limit: 50 })
  })

  it('leaves out the kind chosen under "Leave out", or nothing', async () => {
    view = await mountView(AuditView, { path: '/audit' })
    expect((view.wrapper.get('#audit-hide').element as HTMLSelectElement).value).toBe('token_renewed')
    await view.wrapper.get('#audit-hide').setValue('')
    await flushPromises()
    expect(view.router.currentRoute.value.fullPath).toBe('/audit?hide=none')
    expect(auditApi.listAuditEvents).toHaveBeenLastCalledWith({ limit: 50 })
    await view.wrapper.get('#audit-hide').setValue('logout')
    await flushPromises()
    expect(view.router.currentRoute.value.fullPath).toBe('/audit?hide=logout')
    expect(auditApi.listAuditEvents).toHaveBeenLastCalledWith({ excludeKind: 'logout', limit: 50 })
  })
})
