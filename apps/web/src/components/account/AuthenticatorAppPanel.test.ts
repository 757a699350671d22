import { flushPromises } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import * as sfApi from '../../api/second-factors'
import { apiError } from '../../testing/fakes'
import { markHandledGlobally } from '../../api/errors'
import { mountView } from '../../testing/mount-view'
import AuthenticatorAppPanel from './AuthenticatorAppPanel.vue'

vi.mock('../../api/second-factors', () => ({
  getSecondFactors: vi.fn(),
  beginTotp: vi.fn(),
  confirmTotp: vi.fn(),
  regenerateRecoveryCodes: vi.fn(),
  disableTotp: vi.fn(),
}))

const tenCodes = Array.from({ length: 10 }, (_, i) => `code-${i}000-aaaa`)
const svg = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><rect width="1" height="1"/></svg>'

describe('AuthenticatorAppPanel', () => {
  let view: Awaited<ReturnType<typeof mountView>>
  const get = (id: string) => view.wrapper.get(`[data-testid="${id}"]`)

  beforeEach(() => {
    vi.clearAllMocks()
    vi.mocked(sfApi.getSecondFactors).mockResolvedValue({ totp: { enabled: false }, passkeys: [], recoveryCodesLeft: 0 })
  })
  afterEach(() => view.wrapper.unmount())

  it('enrols: the QR code only as an image, the secret as text, a code turns it on, the codes shown once', async () => {
    view = await mountView(AuthenticatorAppPanel, { path: '/profile' })
    expect(get('totp-state').text()).toBe('Off')
    vi.mocked(sfApi.beginTotp).mockResolvedValueOnce({ secret: 'JBSWY3DPEHPK3PXPJBSW', uri: 'otpauth://totp/x', qrSvg: svg })
    await get('totp-begin').trigger('click')
    await flushPromises()

    const qr = get('totp-qr')
    expect(qr.element.tagName).toBe('IMG')
    expect(qr.attributes('src')).toBe(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`)
    expect(qr.attributes('alt')).not.toBe('')
    // The server's markup never becomes part of the page.
    expect(view.wrapper.find('svg').exists()).toBe(false)
    expect(view.wrapper.find('script').exists()).toBe(false)
    expect(get('totp-secret').text()).toBe('JBSW Y3DP EHPK 3PXP JBSW')
    expect(document.activeElement).toBe(get('totp-confirm-code').element)

    vi.mocked(sfApi.confirmTotp).mockRejectedValueOnce(apiError(403, 'invalid_second_factor'))
    await get('totp-confirm-code').setValue('000000')
    await view.wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(view.wrapper.get('#totp-confirm-error').text()).toBe('That code is not right. Enter the code the app shows now.')

    vi.mocked(sfApi.confirmTotp).mockResolvedValueOnce(tenCodes)
    vi.mocked(sfApi.getSecondFactors).mockResolvedValue({ totp: { enabled: true }, passkeys: [], recoveryCodesLeft: 10 })
    await get('totp-confirm-code').setValue('123 456')
    await view.wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(sfApi.confirmTotp).toHaveBeenLastCalledWith('123456')
    expect(get('recovery-codes').findAll('li').map((li) => li.text())).toEqual(tenCodes)
    expect(document.activeElement).toBe(get('recovery-codes').get('h3').element)

    await get('recovery-codes-done').trigger('click')
    await flushPromises()
    // Gone for good: nothing shows them again.
    expect(view.wrapper.find('[data-testid="recovery-codes"]').exists()).toBe(false)
    expect(view.wrapper.text()).not.toContain(tenCodes[0])
    expect(get('totp-state').text()).toBe('On')
    expect(get('recovery-codes-left').text()).toBe('10 recovery codes left')
  })

  it('copies and downloads the codes as a text file', async () => {
    vi.mocked(sfApi.getSecondFactors).mockResolvedValue({ totp: { enabled: true }, passkeys: [], recoveryCodesLeft: 1 })
    view = await mountView(AuthenticatorAppPanel, { path: '/profile' })
    expect(get('recovery-codes-left').text()).toBe('1 recovery code left')
    vi.mocked(sfApi.regenerateRecoveryCodes).mockResolvedValueOnce(tenCodes)
    await get('recovery-codes-new').trigger('click')
    await flushPromises()

    const writeText = vi.fn(async () => undefined)
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true })
    await get('recovery-codes-copy').trigger('click')
    await flushPromises()
    expect(writeText).toHaveBeenCalledWith(tenCodes.join('\n'))

    const blobs: Blob[] = []
    const createObjectURL = vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
      if (blob instanceof Blob) blobs.push(blob)
      return 'blob:codes'
    })
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      expect(this.download).toBe('tokenauth-recovery-codes-alice.txt')
      expect(this.href).toBe('blob:codes')
    })
    await get('recovery-codes-download').trigger('click')
    expect(click).toHaveBeenCalledOnce()
    expect(blobs[0]?.type).toBe('text/plain;charset=utf-8')
    const text = await blobs[0]?.text()
    for (const code of tenCodes) expect(text).toContain(code)
    createObjectURL.mockRestore()
    click.mockRestore()
  })

  it('"new recovery codes" calls the API with no body and shows the ten new codes', async () => {
    vi.mocked(sfApi.getSecondFactors).mockResolvedValue({ totp: { enabled: true }, passkeys: [], recoveryCodesLeft: 3 })
    view = await mountView(AuthenticatorAppPanel, { path: '/profile' })
    vi.mocked(sfApi.regenerateRecoveryCodes).mockResolvedValueOnce(tenCodes)
    await get('recovery-codes-new').trigger('click')
    await flushPromises()
    expect(sfApi.regenerateRecoveryCodes).toHaveBeenCalledWith()
    expect(get('recovery-codes').findAll('li')).toHaveLength(10)
  })

  it('turns the app off; a step-up the person cancelled leaves it on and says nothing', async () => {
    vi.mocked(sfApi.getSecondFactors).mockResolvedValue({ totp: { enabled: true }, passkeys: [], recoveryCodesLeft: 10 })
    view = await mountView(AuthenticatorAppPanel, { path: '/profile' })
    const cancelled = apiError(401, 'insufficient_user_authentication')
    markHandledGlobally(cancelled)
    vi.mocked(sfApi.disableTotp).mockRejectedValueOnce(cancelled)
    await get('totp-turn-off').trigger('click')
    await flushPromises()
    expect(get('totp-state').text()).toBe('On')
    expect(view.wrapper.text()).not.toContain('recent proof')

    vi.mocked(sfApi.disableTotp).mockResolvedValueOnce(undefined)
    vi.mocked(sfApi.getSecondFactors).mockResolvedValue({ totp: { enabled: false }, passkeys: [], recoveryCodesLeft: 0 })
    await get('totp-turn-off').trigger('click')
    await flushPromises()
    expect(sfApi.disableTotp).toHaveBeenCalledTimes(2)
    expect(get('totp-state').text()).toBe('Off')
    expect(view.wrapper.text()).toContain('The authenticator app is off')
  })

  it('a refusal the app did not handle elsewhere is said in words; the state stays', async () => {
    vi.mocked(sfApi.getSecondFactors).mockResolvedValue({ totp: { enabled: true }, passkeys: [], recoveryCodesLeft: 3 })
    view = await mountView(AuthenticatorAppPanel, { path: '/profile' })
    vi.mocked(sfApi.regenerateRecoveryCodes).mockRejectedValueOnce(apiError(429, 'rate_limited'))
    await get('recovery-codes-new').trigger('click')
    await flushPromises()
    expect(view.wrapper.get('[role="status"][tabindex="-1"]').text()).toBe('Too many attempts. Please wait a moment.')
    expect(get('totp-state').text()).toBe('On')
  })
})
