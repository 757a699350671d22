import type { AxiosError } from 'axios'
import { flushPromises } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { UserSummary } from '@tokenauth/shared'
import * as usersApi from '../../api/users'
import { alice, apiError } from '../../testing/fakes'
import * as accountApi from '../../api/account'
import { appPermissions } from '../../permissions/permissions'
import { buttonNamed, mountView } from '../../testing/mount-view'
import UsersView from './UsersView.vue'

vi.mock('../../api/account', () => ({ listMyPermissions: vi.fn() }))
vi.mock('../../api/users', () => ({
  listUsers: vi.fn(),
  disableUser: vi.fn(),
  enableUser: vi.fn(),
  endUserSessions: vi.fn(),
  resetUserPassword: vi.fn(),
  createUser: vi.fn(),
  setUserRoles: vi.fn(),
  deleteUser: vi.fn(),
  resetUserSecondFactors: vi.fn(),
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
    vi.mocked(accountApi.listMyPermissions).mockResolvedValue(['audit.read', 'users.read', 'users.write'])
    await appPermissions.follow(alice)
    view = await mountView(UsersView, { path: '/users' })
  })
  afterEach(() => {
    view.wrapper.unmount()
    void appPermissions.follow(null)
  })

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
    expect(row('carol').get('button[aria-label="End sessions of carol"]').attributes('disabled')).toBeDefined()
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
    expect(message()).toBe('This is the last admin who can sign in: keep at least one.')
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
    await row('bob').get('button[aria-label="End sessions of bob"]').trigger('click')
    await buttonNamed(dialog(), 'End sessions').trigger('click')
    await flushPromises()
    expect(message()).toBe('2 sessions of bob ended.')
    expect(row('bob').findAll('td')[3]?.text()).toBe('0')
  })

  it('resets a password in a small dialog; a weak one gets the server’s words there', async () => {
    await row('bob').get('button[aria-label="Reset password of bob"]').trigger('click')
    expect(dialog().text()).toContain('Reset the password of bob')
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
    expect(usersApi.resetUserPassword).toHaveBeenLastCalledWith(2, 'a much better passphrase', true)
    expect(view.wrapper.find('dialog').exists()).toBe(false)
    expect(message()).toBe("bob's password was reset; 2 sessions ended.")
  })

  it('offers no admin reset of the admin’s own password (that is the profile’s change-password form)', () => {
    expect(row('alice').find('button[aria-label="Reset password of alice"]').exists()).toBe(false)
    expect(row('bob').find('button[aria-label="Reset password of bob"]').exists()).toBe(true)
  })

  it('every action button’s accessible name starts with its visible word (no label–content mismatch)', () => {
    for (const button of row('bob').findAll('button')) {
      expect(button.attributes('aria-label')?.startsWith(button.text()), button.text()).toBe(true)
    }
  })

  it('the search box narrows the list by username or role, and says when nothing matches', async () => {
    const search = view.wrapper.get('[data-testid="users-search"]')
    await search.setValue('BO')
    expect(view.wrapper.findAll('tbody tr').map((tr) => tr.get('th').text())).toEqual(['bob'])
    await search.setValue('admin')
    expect(view.wrapper.findAll('tbody tr').map((tr) => tr.get('th').text())).toEqual([expect.stringMatching(/^alice/)])
    await search.setValue('zed')
    expect(view.wrapper.find('tbody').exists()).toBe(false)
    expect(view.wrapper.text()).toContain('No user matches “zed”.')
  })

  it('offers a generated password to copy and "must change it at first sign-in", on unless unticked', async () => {
    await view.wrapper.get('[data-testid="create-user"]').trigger('click')
    const box = dialog().get<HTMLInputElement>('[data-testid="create-must-change"]')
    expect(box.element.checked).toBe(true)
    await dialog().get('[data-testid="create-generate"]').trigger('click')
    const generated = dialog().get('[data-testid="create-generated"]').text()
    expect(generated).toMatch(/^[A-HJ-NP-Za-km-z2-9]{20}$/)
    expect(view.wrapper.get<HTMLInputElement>('#create-password').element.value).toBe(generated)
    const writeText = vi.fn(() => Promise.resolve())
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true })
    await dialog().get('[data-testid="create-copy"]').trigger('click')
    await flushPromises()
    expect(writeText).toHaveBeenCalledWith(generated)
    expect(dialog().text()).toContain('Copied.')
    await box.setValue(false)
    vi.mocked(usersApi.createUser).mockResolvedValueOnce(user(5, 'erin', { roles: [], sessions: 0 }))
    await view.wrapper.get('#create-username').setValue('erin')
    await dialog().get('form').trigger('submit')
    await flushPromises()
    expect(usersApi.createUser).toHaveBeenLastCalledWith({ username: 'erin', password: generated, roles: [], mustChangePassword: false })
  })

  it('creates a user in a dialog: checks the form first, shows a taken name in place, then adds the row', async () => {
    await view.wrapper.get('[data-testid="create-user"]').trigger('click')
    expect(dialog().text()).toContain('New user')
    await view.wrapper.get('#create-username').setValue('dave')
    await view.wrapper.get('#create-password').setValue('short')
    await dialog().get('form').trigger('submit')
    expect(view.wrapper.get('#create-user-error').text()).toBe('Use at least 8 characters for the password.')
    expect(usersApi.createUser).not.toHaveBeenCalled()

    vi.mocked(usersApi.createUser).mockRejectedValueOnce(apiError(409, 'conflict'))
    await view.wrapper.get('#create-password').setValue('a fine long passphrase')
    await dialog().get('[data-testid="role-admin"]').setValue(true)
    await dialog().get('input[type="text"]:not(#create-username)').setValue('editor, Bad!')
    await dialog().get('form').trigger('submit')
    expect(view.wrapper.get('#create-user-error').text()).toMatch(/lowercase letters/)
    await dialog().get('input[type="text"]:not(#create-username)').setValue('editor')
    await dialog().get('form').trigger('submit')
    await flushPromises()
    expect(usersApi.createUser).toHaveBeenLastCalledWith({ username: 'dave', password: 'a fine long passphrase', roles: ['admin', 'editor'], mustChangePassword: true })
    expect(view.wrapper.find('#create-own-password').exists()).toBe(false)
    expect(view.wrapper.get('#create-user-error').text()).toBe('This username is taken.')

    vi.mocked(usersApi.createUser).mockResolvedValueOnce(user(4, 'dave2', { roles: ['editor'], sessions: 0 }))
    await view.wrapper.get('#create-username').setValue('dave2')
    await dialog().get('form').trigger('submit')
    await flushPromises()
    expect(view.wrapper.find('dialog').exists()).toBe(false)
    expect(row('dave2').text()).toContain('editor')
    expect(message()).toBe('dave2 was created. They can sign in now.')
  })

  it('changes roles; the last admin keeping admin is explained (409)', async () => {
    await row('alice').get('button[aria-label="Roles of alice"]').trigger('click')
    expect((dialog().get('[data-testid="role-admin"]').element as HTMLInputElement).checked).toBe(true)
    vi.mocked(usersApi.setUserRoles).mockRejectedValueOnce(apiError(409, 'conflict'))
    await dialog().get('[data-testid="role-admin"]').setValue(false)
    await dialog().get('form').trigger('submit')
    await flushPromises()
    expect(usersApi.setUserRoles).toHaveBeenLastCalledWith(1, [])
    expect(view.wrapper.get('#roles-error').text()).toBe('This is the last admin who can sign in: keep at least one.')
    await dialog().findAll('button').find((b) => b.text() === 'Cancel')?.trigger('click')

    vi.mocked(usersApi.setUserRoles).mockResolvedValueOnce(user(2, 'bob', { roles: ['admin'] }))
    await row('bob').get('button[aria-label="Roles of bob"]').trigger('click')
    await dialog().get('[data-testid="role-admin"]').setValue(true)
    await dialog().get('form').trigger('submit')
    await flushPromises()
    expect(usersApi.setUserRoles).toHaveBeenLastCalledWith(2, ['admin'])
    expect(row('bob').text()).toContain('admin')
    expect(message()).toBe('Roles of bob: admin.')
  })

  it('deletes after confirming; the row goes and focus moves to the message, not to <body>', async () => {
    vi.mocked(usersApi.deleteUser).mockResolvedValueOnce(undefined)
    await row('bob').get('button[aria-label="Delete bob"]').trigger('click')
    expect(dialog().text()).toContain('Delete bob?')
    await buttonNamed(dialog(), 'Delete').trigger('click')
    await flushPromises()
    expect(usersApi.deleteUser).toHaveBeenCalledWith(2)
    expect(view.wrapper.findAll('tbody tr').some((tr) => tr.get('th').text().startsWith('bob'))).toBe(false)
    expect(message()).toBe('bob was deleted.')
    expect(document.activeElement).toBe(view.wrapper.get('[data-testid="users-message"]').element)
  })

  it('acting on another admin asks for no password in the page: the server’s step-up does', async () => {
    vi.mocked(usersApi.listUsers).mockResolvedValue([user(1, 'alice'), user(4, 'dave', { roles: ['admin'], disabled: true, sessions: 0 }), user(5, 'erin', { roles: ['admin'] })])
    view.wrapper.unmount()
    view = await mountView(UsersView, { path: '/users' })
    vi.mocked(usersApi.disableUser).mockResolvedValueOnce(1)
    await row('erin').get('button[aria-label="Disable erin"]').trigger('click')
    expect(view.wrapper.find('#confirm-own-password').exists()).toBe(false)
    await buttonNamed(dialog(), 'Disable').trigger('click')
    await flushPromises()
    expect(usersApi.disableUser).toHaveBeenLastCalledWith(5)
    expect(message()).toBe('erin is disabled; 1 session ended.')
    // Enable gives back what an admin took: no confirmation.
    vi.mocked(usersApi.enableUser).mockResolvedValueOnce(undefined)
    await row('dave').get('button[aria-label="Enable dave"]').trigger('click')
    await flushPromises()
    expect(usersApi.enableUser).toHaveBeenLastCalledWith(4)
    expect(message()).toBe('dave can sign in again.')
  })

  it('resets another person’s second factors after confirming', async () => {
    expect(row('alice').find('button[aria-label="Reset second factors of alice"]').exists()).toBe(false)
    vi.mocked(usersApi.resetUserSecondFactors).mockResolvedValueOnce(undefined)
    await row('bob').get('button[aria-label="Reset second factors of bob"]').trigger('click')
    expect(dialog().text()).toContain('Reset the second factors of bob?')
    await buttonNamed(dialog(), 'Reset second factors').trigger('click')
    await flushPromises()
    expect(usersApi.resetUserSecondFactors).toHaveBeenCalledWith(2)
    expect(message()).toBe('bob has no second factor now and enrols again.')
  })
})

describe('UsersView follows the server’s permissions, not a role written in the app', () => {
  it('without users.write (the server’s rule for the writes did not admit these roles): no Create user, no row actions', async () => {
    vi.mocked(usersApi.listUsers).mockResolvedValue([user(1, 'alice'), user(2, 'bob')])
    vi.mocked(accountApi.listMyPermissions).mockResolvedValue(['audit.read', 'users.read'])
    await appPermissions.follow({ ...alice, roles: ['admin', 'auditor'] })
    const view = await mountView(UsersView, { path: '/users' })
    expect(view.wrapper.get('[data-testid="create-user"]').attributes('hidden')).toBeDefined()
    expect(view.wrapper.findAll('tbody tr button')).toHaveLength(0)
    view.wrapper.unmount()
    void appPermissions.follow(null)
  })
})

