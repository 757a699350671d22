import { flushPromises } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h, type PropType } from 'vue'
import type { SecuritySummary, SecuritySummaryRange } from '@tokenauth/shared'
import * as summaryApi from '../../api/security-summary'
import { setLocale } from '../../i18n'
import { apiError } from '../../testing/fakes'
import { mountView } from '../../testing/mount-view'
import type { ChartSeries } from './security-series'
import SecurityOverview from './SecurityOverview.vue'

vi.mock('../../api/security-summary', () => ({ getSecuritySummary: vi.fn() }))
// happy-dom draws no canvas: the chart stands in with what it was given.
vi.mock('./SecurityChart.vue', () => ({
  __esModule: true,
  default: defineComponent({
    props: { labels: { type: Array as PropType<string[]>, required: true }, series: { type: Array as PropType<ChartSeries[]>, required: true } },
    setup: (props) => () => h('div', { 'data-testid': 'chart-stub' }, `${props.labels.join(',')}|${props.series.map((s) => `${s.label}:${s.counts.join(',')}`).join(';')}`),
  }),
}))

const HOUR = 3_600_000
function summaryOf(range: SecuritySummaryRange, counts: Record<'sign_ins' | 'failed_sign_ins' | 'throttled', number[]>): SecuritySummary {
  const size = range === '24h' ? HOUR : 24 * HOUR
  const length = counts.sign_ins.length
  const from = Date.UTC(2026, 2, 10, 12) - (length - 1) * size
  return {
    range,
    bucket: range === '24h' ? 'hour' : 'day',
    buckets: Array.from({ length }, (_, i) => new Date(from + i * size).toISOString()),
    series: [
      { name: 'sign_ins', kinds: ['login_succeeded'], counts: counts.sign_ins },
      { name: 'failed_sign_ins', kinds: ['login_failed', 'second_factor_failed'], counts: counts.failed_sign_ins },
      { name: 'throttled', kinds: ['login_throttled'], counts: counts.throttled },
    ],
  }
}

describe('SecurityOverview', () => {
  let view: Awaited<ReturnType<typeof mountView>>
  const rows = () => view.wrapper.get('[data-testid="security-table"]').findAll('tbody tr').map((tr) => tr.findAll('th, td').map((cell) => cell.text()))

  beforeEach(() => {
    vi.clearAllMocks()
    setLocale('en')
  })
  afterEach(() => view.wrapper.unmount())

  it('shows the last 24 hours: totals, the chart, and the same numbers in a table', async () => {
    vi.mocked(summaryApi.getSecuritySummary).mockResolvedValue(summaryOf('24h', { sign_ins: [1, 0, 3], failed_sign_ins: [0, 2, 0], throttled: [0, 0, 4] }))
    view = await mountView(SecurityOverview)
    await flushPromises()
    expect(summaryApi.getSecuritySummary).toHaveBeenCalledWith('24h')
    expect(view.wrapper.get('h2').text()).toBe('Security')
    expect(view.wrapper.get('[data-testid="security-total-sign_ins"]').text()).toBe('Sign-ins 4')
    expect(view.wrapper.get('[data-testid="security-total-failed_sign_ins"]').text()).toBe('Failed sign-ins 2')
    expect(view.wrapper.get('[data-testid="security-total-throttled"]').text()).toBe('Throttled tries 4')
    expect(view.wrapper.get('[data-testid="chart-stub"]').text()).toBe('10:00 AM,11:00 AM,12:00 PM|Sign-ins:1,0,3;Failed sign-ins:0,2,0;Throttled tries:0,0,4')
    const table = view.wrapper.get('[data-testid="security-table"]')
    expect(table.get('caption').text()).toContain('per hour over the last 24 hours')
    expect(table.findAll('thead th').map((th) => th.text())).toEqual(['Hour starting (UTC)', 'Sign-ins', 'Failed sign-ins', 'Throttled tries'])
    expect(rows()).toEqual([
      ['Mar 10, 10:00 AM', '1', '0', '0'],
      ['Mar 10, 11:00 AM', '0', '2', '0'],
      ['Mar 10, 12:00 PM', '3', '0', '4'],
    ])
    expect(table.get('tbody th time').attributes('datetime')).toBe('2026-03-10T10:00:00.000Z')
    expect(view.wrapper.get('[data-testid="security-range-24h"]').attributes('aria-pressed')).toBe('true')
  })

  it('switches to 30 days by the day, and speaks Chinese', async () => {
    vi.mocked(summaryApi.getSecuritySummary).mockResolvedValueOnce(summaryOf('24h', { sign_ins: [0], failed_sign_ins: [0], throttled: [0] }))
    view = await mountView(SecurityOverview)
    vi.mocked(summaryApi.getSecuritySummary).mockResolvedValueOnce(summaryOf('30d', { sign_ins: [5, 1000], failed_sign_ins: [0, 7], throttled: [1, 0] }))
    await view.wrapper.get('[data-testid="security-range-30d"]').trigger('click')
    await flushPromises()
    expect(summaryApi.getSecuritySummary).toHaveBeenLastCalledWith('30d')
    expect(view.wrapper.get('[data-testid="security-range-30d"]').attributes('aria-pressed')).toBe('true')
    expect(view.wrapper.get('[data-testid="security-range-24h"]').attributes('aria-pressed')).toBe('false')
    expect(rows()).toEqual([
      ['Mar 9, 2026', '5', '0', '1'],
      ['Mar 10, 2026', '1,000', '7', '0'],
    ])
    setLocale('zh-CN')
    await flushPromises()
    expect(view.wrapper.get('h2').text()).toBe('安全')
    expect(view.wrapper.get('[data-testid="security-table"]').findAll('thead th').map((th) => th.text())).toEqual(['日期（UTC）', '登录', '登录失败', '被限流的尝试'])
    expect(rows()[1]?.[0]).toBe('2026年3月10日')
  })

  it('says what went wrong when the summary cannot be read', async () => {
    vi.mocked(summaryApi.getSecuritySummary).mockRejectedValue(apiError(500, 'internal_error'))
    view = await mountView(SecurityOverview)
    await flushPromises()
    expect(view.wrapper.find('[role="alert"]').exists()).toBe(true)
    expect(view.wrapper.find('[data-testid="security-table"]').exists()).toBe(false)
  })
})
