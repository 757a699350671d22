import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import * as accountApi from '../../api/account'
import * as devicesApi from '../../api/devices'
import * as secondFactorsApi from '../../api/second-factors'
import * as securitySummaryApi from '../../api/security-summary'
import { bob } from '../../testing/fakes'
import { mountView } from '../../testing/mount-view'
import OverviewView from './OverviewView.vue'

vi.mock('../../api/account', () => ({ listMySignIns: vi.fn() }))
vi.mock('../../api/devices', () => ({ listSessions: vi.fn() }))
vi.mock('../../api/second-factors', () => ({ getSecondFactors: vi.fn() }))
vi.mock('../../api/security-summary', () => ({ getSecuritySummary: vi.fn() }))

const chrome = { device: 'desktop', browser: 'Chrome', browserVersion: '156', os: 'Linux' } as const
const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString()

describe('OverviewView', () => {
  let view: Awaited<ReturnType<typeof mountView>>

  beforeEach(async () => {
    vi.mocked(accountApi.listMySignIns).mockResolvedValue([
      { at: minutesAgo(1), succeeded: true, ip: '203.0.113.7', client: chrome },
      { at: minutesAgo(90), succeeded: false, ip: '198.51.100.9', client: null },
    ])
    vi.mocked(devicesApi.listSessions).mockResolvedValue([
      { id: 'here', client: chrome, ip: '203.0.113.7', createdAt: minutesAgo(1), lastSeenAt: minutesAgo(0), current: true },
      { id: 'phone', client: { device: 'mobile', browser: 'Safari', browserVersion: '18', os: 'iOS' }, ip: null, createdAt: minutesAgo(600), lastSeenAt: minutesAgo(5), current: false },
    ])
    vi.mocked(secondFactorsApi.getSecondFactors).mockResolvedValue({ totp: { enabled: false }, passkeys: [], recoveryCodesLeft: 0 })
    vi.mocked(securitySummaryApi.getSecuritySummary).mockResolvedValue({ range: '24h', bucket: 'hour', buckets: [], series: [] })
    view = await mountView(OverviewView)
  })
  afterEach(() => view.wrapper.unmount())

  it('leads with the person: who, where signed in, who signed in lately, what guards the account', () => {
    const headings = view.wrapper.findAll('h2').map((h) => h.text())
    expect(headings).toEqual(['You', 'Your devices', 'Recent sign-ins', 'Second factors', 'Security'])
    expect(view.wrapper.get('[data-testid="overview-devices"]').text()).toBe('Signed in on 2 devices')
    expect(view.wrapper.text()).toContain('Safari 18 on iOS (Mobile)')
    const signIns = view.wrapper.get('[data-testid="recent-sign-ins"]').findAll('li')
    expect(signIns.map((li) => li.get('.badge').text())).toEqual(['Signed in', 'Refused'])
    expect(signIns[0]?.text()).toContain('Chrome 156 on Linux (Desktop)')
    expect(signIns[1]?.text()).toContain('198.51.100.9')
    expect(view.wrapper.get('[data-testid="overview-second-factors"]').text()).toContain('Off')
  })

  it('keeps the token and the session id under "Technical details", closed', () => {
    const details = view.wrapper.get('[data-testid="technical-details"]')
    expect(details.attributes('open')).toBeUndefined()
    expect(details.get('summary').text()).toBe('Technical details')
    expect(details.text()).toContain('Session id')
    expect(view.wrapper.findAll('.grid-2 dt').map((dt) => dt.text())).not.toContain('Session id')
  })

  it('shows the security overview to admins only', async () => {
    expect(view.wrapper.find('[data-testid="security-overview"]').exists()).toBe(true)
    const plain = await mountView(OverviewView, { user: bob })
    expect(plain.wrapper.find('[data-testid="security-overview"]').exists()).toBe(false)
    plain.wrapper.unmount()
  })
})
