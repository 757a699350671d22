import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, type Router } from 'vue-router'
import type { PasskeyAssertion, SecondFactorRequired } from '@tokenauth/shared'
import { createAppRouter } from '../router'
import { stubbedRoutes } from '../testing/routes'
import { createAppStore, storeKey } from '../store'
import { apiError, fakeAuthApi } from '../testing/fakes'
import * as authApi from '../api/auth'
import * as ceremony from '../passkeys/ceremony'
import * as support from '../passkeys/support'
import LoginView from './LoginView.vue'

vi.mock('../api/setup', () => ({ getSetupStatus: vi.fn(async () => ({ required: false })) }))
vi.mock('../api/auth', () => ({ getLoginOptions: vi.fn(async () => ({ rememberMeSeconds: 0 })), passkeySignInOptions: vi.fn() }))
vi.mock('../passkeys/ceremony', async (original) => ({ ...(await original<typeof ceremony>()), assertWithPasskey: vi.fn(), cancelPasskeyCeremony: vi.fn() }))
vi.mock('../passkeys/support', () => ({ passkeyUnavailable: vi.fn(() => null) }))
vi.mock('@simplewebauthn/browser', () => ({ browserSupportsWebAuthnAutofill: vi.fn(async () => false) }))

const requestOptions = { challenge: 'webauthn-challenge', rpId: 'localhost' }
const assertion: PasskeyAssertion = {
  id: 'AQ',
  rawId: 'AQ',
  type: 'public-key',
  response: { clientDataJSON: 'e30', authenticatorData: 'AA', signature: 'AA' },
  clientExtensionResults: {},
}
const challenge: SecondFactorRequired = {
  mfaRequired: true,
  challenge: 'challenge-1',
  methods: ['passkey', 'recovery_code'],
  expiresAt: '2030-01-01T00:05:00.000Z',
  passkeyOptions: { challenge: 'second-step', allowCredentials: [{ id: 'AQ', type: 'public-key' }] },
}

let api: ReturnType<typeof fakeAuthApi>
let router: Router
let wrapper: VueWrapper

async function atLogin(path = '/login') {
  api = fakeAuthApi()
  router = createAppRouter(createMemoryHistory(), stubbedRoutes())
  await router.push(path)
  wrapper = mount(LoginView, { global: { plugins: [router, [createAppStore(api), storeKey]] }, attachTo: document.body })
  await flushPromises()
}
const button = (name: string) => {
  const found = wrapper.findAll('button').find((b) => b.text() === name)
  if (!found) throw new Error(`no button ${name}`)
  return found
}

beforeEach(() => {
  vi.clearAllMocks()
  vi.mocked(support.passkeyUnavailable).mockReturnValue(null)
  vi.mocked(authApi.passkeySignInOptions).mockResolvedValue(requestOptions)
})
afterEach(() => wrapper.unmount())

describe('LoginView: passkeys', () => {
  it('offers passkeys in the username suggestions and signs in with "Sign in with a passkey", going where the person was going', async () => {
    await atLogin('/login?redirect=%2Fnotes')
    expect(wrapper.get('#login-username').attributes('autocomplete')).toBe('username webauthn')
    vi.mocked(ceremony.assertWithPasskey).mockResolvedValueOnce(assertion)
    await button('Sign in with a passkey').trigger('click')
    await flushPromises()
    expect(ceremony.assertWithPasskey).toHaveBeenCalledWith(requestOptions, false)
    expect(api.loginWithPasskey).toHaveBeenCalledWith({ response: assertion })
    expect(router.currentRoute.value.fullPath).toBe('/notes')
  })

  it('stays with a word when the passkey is refused or the dialog is closed', async () => {
    await atLogin()
    vi.mocked(ceremony.assertWithPasskey).mockResolvedValueOnce(assertion)
    api.loginWithPasskey.mockRejectedValueOnce(apiError(401, 'invalid_passkey'))
    await button('Sign in with a passkey').trigger('click')
    await flushPromises()
    expect(wrapper.get('[data-testid="passkey-sign-in"] [role="alert"]').text()).toBe('That passkey was not accepted. Try again, or sign in another way.')
    vi.mocked(ceremony.assertWithPasskey).mockRejectedValueOnce(Object.assign(new Error('closed'), { name: 'NotAllowedError' }))
    await button('Sign in with a passkey').trigger('click')
    await flushPromises()
    expect(wrapper.get('[data-testid="passkey-sign-in"] [role="alert"]').text()).toBe('No passkey was chosen.')
    expect(router.currentRoute.value.name).toBe('login')
  })

  it('hides the button with a one-line reason on an address that cannot host passkeys', async () => {
    vi.mocked(support.passkeyUnavailable).mockReturnValue('ip_address')
    await atLogin()
    expect(wrapper.findAll('button').some((b) => b.text() === 'Sign in with a passkey')).toBe(false)
    expect(wrapper.get('[data-testid="passkey-unavailable"]').text()).toContain('not an IP address')
  })

  it('finishes the second step with "Use a passkey" and the options that came with the challenge', async () => {
    await atLogin()
    api.login.mockResolvedValue(challenge)
    await wrapper.get('#login-username').setValue('alice')
    await wrapper.get('#login-password').setValue('correct horse')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    vi.mocked(ceremony.assertWithPasskey).mockResolvedValueOnce(assertion)
    await button('Use a passkey').trigger('click')
    await flushPromises()
    expect(ceremony.assertWithPasskey).toHaveBeenCalledWith(challenge.passkeyOptions)
    expect(api.loginSecondFactor).toHaveBeenCalledWith({ challenge: 'challenge-1', passkey: assertion })
    expect(router.currentRoute.value.name).toBe('overview')
  })

  it('goes back to the password when the second step expired', async () => {
    await atLogin()
    api.login.mockResolvedValue(challenge)
    await wrapper.get('#login-username').setValue('alice')
    await wrapper.get('#login-password').setValue('correct horse')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    vi.mocked(ceremony.assertWithPasskey).mockResolvedValueOnce(assertion)
    api.loginSecondFactor.mockRejectedValueOnce(apiError(401, 'invalid_challenge'))
    await button('Use a passkey').trigger('click')
    await flushPromises()
    expect(wrapper.find('#login-password').exists()).toBe(true)
    expect(wrapper.text()).toContain('That sign-in expired. Enter your password again.')
  })
})
