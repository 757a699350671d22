import { flushPromises } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { PasskeyRegistrationResponse } from '@tokenauth/shared'
import * as sfApi from '../../api/second-factors'
import * as passkeyApi from '../../api/passkeys'
import * as ceremony from '../../passkeys/ceremony'
import * as support from '../../passkeys/support'
import { mountView } from '../../testing/mount-view'
import PasskeysPanel from './PasskeysPanel.vue'

vi.mock('../../api/second-factors', () => ({ getSecondFactors: vi.fn(), regenerateRecoveryCodes: vi.fn() }))
vi.mock('../../api/passkeys', () => ({ passkeyCreationOptions: vi.fn(), addPasskey: vi.fn(), renamePasskey: vi.fn(), removePasskey: vi.fn() }))
vi.mock('../../passkeys/ceremony', async (original) => ({ ...(await original<typeof ceremony>()), createPasskey: vi.fn() }))
vi.mock('../../passkeys/support', () => ({ passkeyUnavailable: vi.fn(() => null) }))

const laptop = { id: 1, name: 'Laptop', createdAt: '2026-01-01T09:00:00.000Z', lastUsedAt: null }
const phone = { id: 2, name: 'Phone', createdAt: '2026-01-02T09:00:00.000Z', lastUsedAt: '2026-01-03T09:00:00.000Z' }
const options = { rp: { name: 'tokenauth', id: 'localhost' }, user: { id: 'dQ', name: 'alice', displayName: 'alice' }, challenge: 'c', pubKeyCredParams: [{ alg: -7, type: 'public-key' as const }] }
const response: PasskeyRegistrationResponse = { id: 'AQ', rawId: 'AQ', type: 'public-key', response: { clientDataJSON: 'e30', attestationObject: 'oA' }, clientExtensionResults: {} }
const status = (passkeys: (typeof laptop | typeof phone)[]) => ({ totp: { enabled: false }, passkeys, recoveryCodesLeft: passkeys.length > 0 ? 10 : 0 })

describe('PasskeysPanel', () => {
  let view: Awaited<ReturnType<typeof mountView>>
  const all = (id: string) => view.wrapper.findAll(`[data-testid="${id}"]`)

  beforeEach(() => {
    vi.clearAllMocks()
    vi.mocked(support.passkeyUnavailable).mockReturnValue(null)
    vi.mocked(sfApi.getSecondFactors).mockResolvedValue(status([]))
  })
  afterEach(() => view.wrapper.unmount())

  it('adds a passkey under a name: the browser makes it, the server stores it, the first one shows the recovery codes once', async () => {
    view = await mountView(PasskeysPanel, { path: '/profile' })
    expect(view.wrapper.get('[data-testid="passkeys-none"]').text()).toBe('No passkeys yet.')
    // A name first.
    await view.wrapper.get('form').trigger('submit')
    expect(view.wrapper.get('#passkey-name-error').text()).toBe('Give the passkey a name, for example “Laptop”.')
    expect(passkeyApi.passkeyCreationOptions).not.toHaveBeenCalled()

    vi.mocked(passkeyApi.passkeyCreationOptions).mockResolvedValueOnce(options)
    vi.mocked(ceremony.createPasskey).mockResolvedValueOnce(response)
    vi.mocked(passkeyApi.addPasskey).mockResolvedValueOnce({ passkey: laptop, recoveryCodes: Array.from({ length: 10 }, (_, i) => `code-${i}000-aaaa`) })
    vi.mocked(sfApi.getSecondFactors).mockResolvedValue(status([laptop]))
    await view.wrapper.get('#passkey-name').setValue('  Laptop ')
    await view.wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(ceremony.createPasskey).toHaveBeenCalledWith(options)
    expect(passkeyApi.addPasskey).toHaveBeenCalledWith('Laptop', response)
    expect(view.wrapper.findAll('[data-testid="recovery-codes"] li')).toHaveLength(10)
    await view.wrapper.get('[data-testid="recovery-codes-done"]').trigger('click')
    await flushPromises()
    expect(all('passkey-name').map((n) => n.text())).toEqual(['Laptop'])
    expect(all('passkey-last-used').map((n) => n.text())).toEqual(['Not used yet'])
    expect(view.wrapper.text()).toContain('Passkey “Laptop” added.')
    // Passkeys are the only factor: this panel counts the recovery codes and makes new ones.
    expect(view.wrapper.get('[data-testid="passkeys-recovery-codes-left"]').text()).toBe('10 recovery codes left')
    vi.mocked(sfApi.regenerateRecoveryCodes).mockResolvedValueOnce(Array.from({ length: 10 }, (_, i) => `new-${i}000-aaaa`))
    await view.wrapper.findAll('button').find((b) => b.text() === 'New recovery codes')?.trigger('click')
    await flushPromises()
    expect(view.wrapper.findAll('[data-testid="recovery-codes"] li')).toHaveLength(10)
  })

  it('leaves the recovery codes to the authenticator app panel when the app is on', async () => {
    vi.mocked(sfApi.getSecondFactors).mockResolvedValue({ ...status([laptop]), totp: { enabled: true } })
    view = await mountView(PasskeysPanel, { path: '/profile' })
    expect(view.wrapper.find('[data-testid="passkeys-recovery-codes-left"]').exists()).toBe(false)
  })

  it('says so when the person closes the browser dialog, and shows the server refusal in words', async () => {
    view = await mountView(PasskeysPanel, { path: '/profile' })
    vi.mocked(passkeyApi.passkeyCreationOptions).mockResolvedValue(options)
    vi.mocked(ceremony.createPasskey).mockRejectedValueOnce(Object.assign(new Error('closed'), { name: 'NotAllowedError' }))
    await view.wrapper.get('#passkey-name').setValue('Laptop')
    await view.wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(view.wrapper.get('[role="status"]').text()).toBe('No passkey was added.')
  })

  it('renames and removes (after a confirmation), and lists when each was last used', async () => {
    vi.mocked(sfApi.getSecondFactors).mockResolvedValue(status([laptop, phone]))
    view = await mountView(PasskeysPanel, { path: '/profile' })
    expect(all('passkey-last-used').map((n) => n.text())[1]).toMatch(/^Last used /)
    await view.wrapper.get('button[aria-label="Rename: Laptop"]').trigger('click')
    expect(document.activeElement?.id).toBe('passkey-rename-1')
    await view.wrapper.get('#passkey-rename-1').setValue('Work laptop')
    vi.mocked(sfApi.getSecondFactors).mockResolvedValue(status([{ ...laptop, name: 'Work laptop' }, phone]))
    await view.wrapper.get('.passkey__rename').trigger('submit')
    await flushPromises()
    expect(passkeyApi.renamePasskey).toHaveBeenCalledWith(1, 'Work laptop')
    expect(all('passkey-name').map((n) => n.text())).toEqual(['Work laptop', 'Phone'])

    await view.wrapper.get('button[aria-label="Remove: Phone"]').trigger('click')
    expect(passkeyApi.removePasskey).not.toHaveBeenCalled()
    vi.mocked(sfApi.getSecondFactors).mockResolvedValue(status([{ ...laptop, name: 'Work laptop' }]))
    await view.wrapper.get('[data-testid="passkey-remove-yes"]').trigger('click')
    await flushPromises()
    expect(passkeyApi.removePasskey).toHaveBeenCalledWith(2)
    expect(all('passkey-name').map((n) => n.text())).toEqual(['Work laptop'])
    expect(view.wrapper.get('[role="status"]').text()).toBe('Passkey “Phone” removed.')
  })

  it('hides the add form with a one-line reason where the page cannot use passkeys', async () => {
    vi.mocked(support.passkeyUnavailable).mockReturnValue('ip_address')
    view = await mountView(PasskeysPanel, { path: '/profile' })
    expect(view.wrapper.find('#passkey-name').exists()).toBe(false)
    expect(view.wrapper.get('[data-testid="passkeys-unavailable"]').text()).toBe('Passkeys need the site’s name, not an IP address: open it by name (on this computer, localhost).')
  })
})
