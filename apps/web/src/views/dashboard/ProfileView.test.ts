import type { AxiosError } from 'axios'
import { flushPromises } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import * as accountApi from '../../api/account'
import { apiError } from '../../testing/fakes'
import { mountView } from '../../testing/mount-view'
import ProfileView from './ProfileView.vue'

vi.mock('../../api/account', () => ({ changePassword: vi.fn() }))
vi.mock('../../api/second-factors', () => ({ getSecondFactors: vi.fn(async () => ({ totp: { enabled: false }, recoveryCodesLeft: 0 })) }))

/** A 400 `invalid_password` with the server's words. */
function weakPassword(message: string): AxiosError {
  const error = apiError(400, 'invalid_password')
  if (error.response) error.response.data = { error: { code: 'invalid_password', message } }
  return error
}

describe('ProfileView: changing the password', () => {
  let view: Awaited<ReturnType<typeof mountView>>

  beforeEach(async () => {
    vi.clearAllMocks()
    view = await mountView(ProfileView, { path: '/profile' })
  })
  afterEach(() => view.wrapper.unmount())

  const message = () => view.wrapper.get('[data-testid="password-message"]')
  async function fill(current: string, next: string, repeated = next) {
    await view.wrapper.get('#current-password').setValue(current)
    await view.wrapper.get('#new-password').setValue(next)
    await view.wrapper.get('#repeat-password').setValue(repeated)
    await view.wrapper.get('form').trigger('submit')
    await flushPromises()
  }

  it('has the hints password managers need, and show-password toggles', () => {
    expect(view.wrapper.get('#current-password').attributes('autocomplete')).toBe('current-password')
    expect(view.wrapper.get('#new-password').attributes('autocomplete')).toBe('new-password')
    expect(view.wrapper.get('#repeat-password').attributes('autocomplete')).toBe('new-password')
    expect(view.wrapper.get('input[autocomplete="username"]').element).toHaveProperty('value', 'alice')
    for (const id of ['current-password', 'new-password', 'repeat-password']) {
      expect(view.wrapper.find(`button[aria-controls="${id}"]`).exists()).toBe(true)
    }
  })

  it('changes it and says how many other sessions ended; the fields are emptied', async () => {
    vi.mocked(accountApi.changePassword).mockResolvedValueOnce(1)
    await fill('old password here', 'a new long passphrase')
    expect(accountApi.changePassword).toHaveBeenCalledWith({ currentPassword: 'old password here', newPassword: 'a new long passphrase' })
    expect(message().text()).toBe('Password changed. 1 other session ended.')
    expect((view.wrapper.get('#new-password').element as HTMLInputElement).value).toBe('')
    expect(view.auth.token).toBe('t')
  })

  it('checks before asking the server: the two new ones differ, too short', async () => {
    await fill('old password here', 'a new long passphrase', 'a new long passphrasE')
    expect(message().text()).toBe('The two new passwords differ.')
    expect(view.wrapper.get('#repeat-password').attributes('aria-invalid')).toBe('true')
    await fill('old password here', 'short')
    expect(message().text()).toBe('Use at least 8 characters for the new password.')
    expect(accountApi.changePassword).not.toHaveBeenCalled()
  })

  it('a wrong current password says so, and the session stays', async () => {
    vi.mocked(accountApi.changePassword).mockRejectedValueOnce(apiError(403, 'invalid_credentials'))
    await fill('not it at all', 'a new long passphrase')
    expect(message().text()).toBe('The current password is not correct.')
    expect(view.wrapper.get('#current-password').attributes('aria-invalid')).toBe('true')
    expect(document.activeElement).toBe(view.wrapper.get('#current-password').element)
    expect(view.auth.token).toBe('t')
  })

  it("a weak new password shows the server's words, which say what to do", async () => {
    vi.mocked(accountApi.changePassword).mockRejectedValueOnce(weakPassword('This is one of the most common passwords. Choose another.'))
    await fill('old password here', 'password123')
    expect(message().text()).toBe('This is one of the most common passwords. Choose another.')
    expect(view.wrapper.get('#new-password').attributes('aria-invalid')).toBe('true')
  })
})
