import type { AxiosError } from 'axios'
import { flushPromises } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { UserSummary } from '@tokenauth/shared'
import * as usersApi from '../../api/users'
import { apiError } from '../../testing/fakes'
import { buttonNamed, mountView } from '../../testing/mount-view'
import UsersView from './UsersView.vue'

vi.mock('../../api/users', () => ({
  listUsers: vi.fn(),
  disableUser: vi.fn(),
  enableUser: vi.fn(),
  endUserSessions: vi.fn(),
  resetUserPassword: vi.fn(),
}))

const user = (id: number, username: string, change: Partial<UserSummary> = {}): UserSummary => ({
  id,
  username,
  roles: id === 1 ? ['admin'] : [],
  disabled: false,
  createdAt: '2030-01-01T00:00:00.000Z',
  sessions: 2,
  ...change,
})

function withMessage(error: AxiosError, message: string): AxiosError {
  if (error.response) error.response.data = { error: { code: (error.response.data as { error: { code: string } }).error.code, message } }
  return error
}

describe('UsersView: what an admin can do to an account', () => {
  let view: Awaited<ReturnType<typeof mountView>>

  beforeEach(async () => {
    vi.clearAllMocks()
    vi.mocked(usersApi.listUsers).mockResolvedValue([user(1, 'alice'), user(2, 'bob'), user(3, 'carol', { disabled: true, sessions: 0 })])
    view = await mountView(UsersView, { path: '/users' })
  })
  afterEach(() => view.wrapper.unmount())

  const row = (name: string) => {
    const found = view.wrapper.findAll('tbody tr').find((tr) => tr.get('th').text().startsWith(name))
    if (!found) throw new Error(`no row for ${name}`)
    return found
  }
  const dialog = () => view.wrapper.get('dialog')
  const message = () => view.wrapper.get('[data-testid="users-message"]').text()

  it('marks the admin’s own row, and offers Enable only to a disabled account', () => {
    expect(row('alice').text()).toContain('you')
    expect(row('bob').find('button[aria-label="Disable bob"]').exists()).toBe(true)
    expect(row('carol').find('button[aria-label="Enable carol"]').exists()).toBe(true)
    expect(row('carol').find('button[aria-label="Disable carol"]').exists()).toBe(false)
    expect(row('carol').get('button[aria-label="End carol\'s sessions"]').attributes('disabled')).toBeDefined()
  })

  it('disables after confirming: says how many sessions ended', async () => {
    vi.mocked(usersApi.disableUser).mockResolvedValueOnce(2)
    await row('bob').get('button[aria-label="Disable bob"]').trigger('click')
    expect(dialog().text()).toContain('Disable bob?')
    await buttonNamed(dialog(), 'Disable').trigger('click')
    await flushPromises()
    expect(usersApi.disableUser).toHaveBeenCalledWith(2)
    expect(message()).toBe('bob is disabled; 2 sessions ended.')
    expect(row('bob').text()).toContain('disabled')
  })

  it('disabling the last admin shows the server’s words (409)', async () => {
    vi.mocked(usersApi.disableUser).mockRejectedValueOnce(
      withMessage(apiError(409, 'conflict'), 'This is the last admin who can sign in; it cannot be disabled.'),
    )
    await row('alice').get('button[aria-label="Disable alice"]').trigger('click')
    expect(dialog().text()).toContain('This is you')
    await buttonNamed(dialog(), 'Disable').trigger('click')
    await flushPromises()
    expect(message()).toBe('This is the last admin who can sign in; it cannot be disabled.')
  })

  it('enables without asking', async () => {
    vi.mocked(usersApi.enableUser).mockResolvedValueOnce(undefined)
    await row('carol').get('button[aria-label="Enable carol"]').trigger('click')
    await flushPromises()
    expect(usersApi.enableUser).toHaveBeenCalledWith(3)
    expect(message()).toBe('carol can sign in again.')
  })

  it('ends someone’s sessions after confirming', async () => {
    vi.mocked(usersApi.endUserSessions).mockResolvedValueOnce(2)
    await row('bob').get('button[aria-label="End bob\'s sessions"]').trigger('click')
    await buttonNamed(dialog(), 'End sessions').trigger('click')
    await flushPromises()
    expect(message()).toBe('2 sessions of bob ended.')
    expect(row('bob').findAll('td')[3]?.text()).toBe('0')
  })

  it('resets a password in a small dialog; a weak one gets the server’s words there', async () => {
    await row('bob').get('button[aria-label="Reset bob\'s password"]').trigger('click')
    expect(dialog().text()).toContain("Reset bob's password")
    expect(view.wrapper.get('#reset-password').attributes('autocomplete')).toBe('new-password')

    vi.mocked(usersApi.resetUserPassword).mockRejectedValueOnce(withMessage(apiError(400, 'invalid_password'), 'Choose a password other than the username.'))
    await view.wrapper.get('#reset-password').setValue('bobbobbob')
    await dialog().get('form').trigger('submit')
    await flushPromises()
    expect(view.wrapper.get('#reset-error').text()).toBe('Choose a password other than the username.')

    vi.mocked(usersApi.resetUserPassword).mockResolvedValueOnce(2)
    await view.wrapper.get('#reset-password').setValue('a much better passphrase')
    await dialog().get('form').trigger('submit')
    await flushPromises()
    expect(usersApi.resetUserPassword).toHaveBeenLastCalledWith(2, 'a much better passphrase')
    expect(view.wrapper.find('dialog').exists()).toBe(false)
    expect(message()).toBe("bob's password was reset; 2 sessions ended.")
  })
})
