import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { AxiosHeaders } from 'axios'
import { createMemoryHistory, type Router } from 'vue-router'
import * as authApi from '../api/auth'
import { setLocale } from '../i18n'
import { createAppRouter } from '../router'
import { stubbedRoutes } from '../testing/routes'
import { createAppStore, storeKey } from '../store'
import { apiError, deferred, fakeAuthApi, session } from '../testing/fakes'
import LoginView from './LoginView.vue'
import SignInAgainForm from '../components/auth/SignInAgainForm.vue'

vi.mock('../api/setup', () => ({ getSetupStatus: vi.fn(async () => ({ required: false })) }))
vi.mock('../api/auth', () => ({ getLoginOptions: vi.fn(async () => ({ rememberMeSeconds: 30 * 86400 })) }))

let api: ReturnType<typeof fakeAuthApi>
let router: Router

async function mountLogin(path = '/login') {
  api = fakeAuthApi()
  router = createAppRouter(createMemoryHistory(), stubbedRoutes())
  await router.push(path)
  const wrapper = mount(LoginView, {
    global: { plugins: [router, [createAppStore(api), storeKey]] },
    attachTo: document.body,
  })
  await flushPromises()
  return wrapper
}

async function fillIn(wrapper: Awaited<ReturnType<typeof mountLogin>>, username = 'alice', password = 'correct horse') {
  await wrapper.get('#login-username').setValue(username)
  await wrapper.get('#login-password').setValue(password)
}

/** A keydown whose getModifierState reports Caps Lock (happy-dom has no keyboard state). */
function keyWithCapsLock(type: 'keydown' | 'keyup', on: boolean): KeyboardEvent {
  const event = new KeyboardEvent(type, { key: on ? 'A' : 'a', bubbles: true })
  Object.defineProperty(event, 'getModifierState', { value: (key: string) => key === 'CapsLock' && on })
  return event
}

describe('LoginView', () => {
  let wrapper: Awaited<ReturnType<typeof mountLogin>>
  beforeEach(async () => {
    wrapper = await mountLogin()
  })
  afterEach(() => wrapper.unmount())

  it('has real labels and the autocomplete hints password managers need', () => {
    const username = wrapper.get('#login-username')
    const password = wrapper.get('#login-password')
    expect(wrapper.get('label[for="login-username"]').text()).toBe('Username')
    expect(wrapper.get('label[for="login-password"]').text()).toBe('Password')
    expect(username.attributes('autocomplete')).toBe('username webauthn')
    expect(password.attributes('autocomplete')).toBe('current-password')
    expect(password.attributes('type')).toBe('password')
  })

  it('renders the same sign-in fields as the sign-in-again dialog (one shared component)', async () => {
    const store = createAppStore(fakeAuthApi())
    const dialog = mount(SignInAgainForm, { props: { request: { reason: 'ended', username: '' } }, global: { plugins: [[store, storeKey]] } })
    await flushPromises()
    /** The fields' markup, with the form's own id prefix taken out. */
    const fieldsOf = (root: { element: Element }, prefix: string) =>
      [...root.element.querySelectorAll('.field'), root.element.querySelector(`#${prefix}-error`)]
        .map((element) => element?.outerHTML ?? 'missing')
        .join('\n')
        .replaceAll(`${prefix}-`, 'form-')
    expect(fieldsOf(wrapper, 'login')).toBe(fieldsOf(dialog, 'reauth'))
    expect(fieldsOf(wrapper, 'login')).toContain('autocomplete="current-password"')
    dialog.unmount()
  })

  it('shows and hides the password', async () => {
    const toggle = wrapper.get('button[aria-controls="login-password"]')
    expect(toggle.attributes('aria-label')).toBe('Show password')
    await toggle.trigger('click')
    expect(wrapper.get('#login-password').attributes('type')).toBe('text')
    expect(toggle.attributes('aria-label')).toBe('Hide password')
    await toggle.trigger('click')
    expect(wrapper.get('#login-password').attributes('type')).toBe('password')
  })

  it('disables the button and shows progress while the request runs, then goes to the dashboard', async () => {
    const pending = deferred<ReturnType<typeof session>>()
    api.login.mockReturnValueOnce(pending.promise)
    await fillIn(wrapper)
    await wrapper.get('form').trigger('submit')

    const button = wrapper.get('button[type="submit"]')
    expect(button.attributes('disabled')).toBeDefined()
    expect(button.attributes('aria-busy')).toBe('true')
    expect(button.text()).toContain('Signing in')
    // A second submit while pending sends nothing more.
    await wrapper.get('form').trigger('submit')
    expect(api.login).toHaveBeenCalledTimes(1)

    pending.resolve(session('t'))
    await flushPromises()
    expect(button.attributes('disabled')).toBeUndefined()
    expect(router.currentRoute.value.name).toBe('overview')
  })

  it("shows the server's error code in words in the aria-live region, and nothing about whether the user exists", async () => {
    api.login.mockRejectedValueOnce(apiError(401, 'invalid_credentials'))
    await fillIn(wrapper, 'nobody', 'wrong')
    await wrapper.get('form').trigger('submit')
    await flushPromises()

    const region = wrapper.get('#login-error')
    expect(region.attributes('aria-live')).toBe('assertive')
    expect(region.attributes('role')).toBe('alert')
    expect(region.text()).toBe('Incorrect username or password.')
    expect(wrapper.text()).not.toMatch(/not found|no such user|unknown user|does not exist/i)
    expect(wrapper.get('#login-username').attributes('aria-invalid')).toBe('true')
    // The password is cleared for the next try; the username stays.
    expect((wrapper.get('#login-password').element as HTMLInputElement).value).toBe('')
    expect((wrapper.get('#login-username').element as HTMLInputElement).value).toBe('nobody')
    expect(router.currentRoute.value.name).toBe('login')
  })

  it('shows rate limiting in words too', async () => {
    api.login.mockRejectedValueOnce(apiError(429, 'rate_limited'))
    await fillIn(wrapper)
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(wrapper.get('#login-error').text()).toBe('Too many attempts. Please wait a moment.')
  })

  it('after too many attempts: says it once, counts down, and keeps the button disabled until then', async () => {
    vi.useFakeTimers()
    try {
      api.login.mockRejectedValueOnce(apiError(429, 'rate_limited', { headers: new AxiosHeaders() }, { 'retry-after': '3' }))
      await fillIn(wrapper)
      await wrapper.get('form').trigger('submit')
      await flushPromises()
      const button = wrapper.get('button[type="submit"]')
      expect(wrapper.get('#login-error').text()).toBe('Too many attempts. That password was not checked. Try again in 3 s.')
      expect(button.attributes('disabled')).toBeDefined()
      await vi.advanceTimersByTimeAsync(1000)
      expect(wrapper.get('#login-error').text()).toBe('Too many attempts. That password was not checked. Try again in 2 s.')
      // Submitting meanwhile sends nothing.
      await wrapper.get('#login-password').setValue('again')
      await wrapper.get('form').trigger('submit')
      expect(api.login).toHaveBeenCalledTimes(1)
      await vi.advanceTimersByTimeAsync(2000)
      expect(wrapper.get('#login-error').text()).toBe('That password was not checked. You can try again now.')
      expect(button.attributes('disabled')).toBeUndefined()
    } finally {
      vi.useRealTimers()
    }
  })

  it('"Keep me signed in" is sent only when ticked, and hidden when the server turns it off', async () => {
    expect(wrapper.text()).toContain('For up to 30 days')
    await fillIn(wrapper)
    await wrapper.get('[data-testid="remember-me"]').setValue(true)
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(api.login).toHaveBeenCalledWith({ username: 'alice', password: 'correct horse', rememberMe: true })

    vi.mocked(authApi.getLoginOptions).mockResolvedValueOnce({ rememberMeSeconds: 0 })
    const plain = await mountLogin()
    expect(plain.find('[data-testid="remember-me"]').exists()).toBe(false)
    await fillIn(plain)
    await plain.get('form').trigger('submit')
    await flushPromises()
    expect(api.login).toHaveBeenCalledWith({ username: 'alice', password: 'correct horse' })
    plain.unmount()
  })

  it('says how to get back in without the password, with the admin contact when the server has one', async () => {
    expect(wrapper.get('[data-testid="forgot-password"]').text()).toBe('Forgot your password? Ask an administrator.')
    vi.mocked(authApi.getLoginOptions).mockResolvedValueOnce({ rememberMeSeconds: 0, adminContact: 'it-help@example.com' })
    const withContact = await mountLogin()
    expect(withContact.get('[data-testid="forgot-password"]').text()).toBe('Forgot your password? Ask an administrator: it-help@example.com')
    withContact.unmount()
  })

  it('shows the option before the server answers, with … for the days, and unticks it if the server turns it off', async () => {
    const options = deferred<{ rememberMeSeconds: number }>()
    vi.mocked(authApi.getLoginOptions).mockReturnValueOnce(options.promise)
    const early = await mountLogin()
    expect(early.get('#remember-hint').text()).toBe('For up to … days. Only on a device nobody else uses.')
    await early.get('[data-testid="remember-me"]').setValue(true)
    options.resolve({ rememberMeSeconds: 0 })
    await flushPromises()
    expect(early.find('[data-testid="remember-me"]').exists()).toBe(false)
    await fillIn(early)
    await early.get('form').trigger('submit')
    await flushPromises()
    expect(api.login).toHaveBeenCalledWith({ username: 'alice', password: 'correct horse' })
    early.unmount()
  })

  it('says why the user is here: signed out, session ended, or a page that needs signing in', async () => {
    expect(wrapper.find('[data-testid="login-notice"]').exists()).toBe(false)
    for (const [path, words] of [
      ['/login?reason=signed-out', 'You are signed out.'],
      ['/login?reason=ended&redirect=/notes', 'Your session has ended. Sign in again to carry on.'],
      ['/login?redirect=/notes', 'Sign in to open that page.'],
    ] as const) {
      const view = await mountLogin(path)
      expect(view.get('[data-testid="login-notice"]').text()).toBe(words)
      view.unmount()
    }
  })

  it('speaks Chinese at once when switched, without a reload', async () => {
    setLocale('zh-CN')
    await flushPromises()
    expect(wrapper.get('h1').text()).toBe('登录')
    expect(wrapper.get('label[for="login-username"]').text()).toBe('用户名')
    expect(document.documentElement.lang).toBe('zh-CN')
    await wrapper.get('form').trigger('submit')
    expect(wrapper.get('#login-error').text()).toBe('请输入用户名和密码。')
  })

  it('submits on Enter in a field, once', async () => {
    await fillIn(wrapper, 'alice', 'pw-with-enter')
    await wrapper.get('#login-password').trigger('keydown', { key: 'Enter' })
    await flushPromises()
    expect(api.login).toHaveBeenCalledTimes(1)
    expect(api.login).toHaveBeenCalledWith({ username: 'alice', password: 'pw-with-enter' })
  })

  it('does not submit on Enter while an IME is composing', async () => {
    await fillIn(wrapper)
    await wrapper.get('#login-username').trigger('keydown', { key: 'Enter', isComposing: true })
    expect(api.login).not.toHaveBeenCalled()
  })

  it('asks for both fields before calling the server', async () => {
    await wrapper.get('form').trigger('submit')
    expect(api.login).not.toHaveBeenCalled()
    expect(wrapper.get('#login-error').text()).toBe('Enter your username and password.')
  })

  it('hints when Caps Lock is on, and stops when it is off', async () => {
    const input = wrapper.get('#login-password')
    const hint = wrapper.get('#login-password-caps')
    expect(hint.text()).toBe('')
    expect(hint.attributes('aria-live')).toBe('polite')
    expect(input.attributes('aria-describedby')).toContain('login-password-caps')

    input.element.dispatchEvent(keyWithCapsLock('keydown', true))
    await wrapper.vm.$nextTick()
    expect(hint.text()).toBe('Caps Lock is on.')

    input.element.dispatchEvent(keyWithCapsLock('keyup', false))
    await wrapper.vm.$nextTick()
    expect(hint.text()).toBe('')
  })
})

describe('LoginView after signing in', () => {
  it('goes to the ?redirect= path with its query', async () => {
    const wrapper = await mountLogin('/login?redirect=%2Fnotes%3Ftab%3Dmine')
    await fillIn(wrapper)
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(router.currentRoute.value.fullPath).toBe('/notes?tab=mine')
    wrapper.unmount()
  })

  it('ignores an evil ?redirect= and goes to the dashboard', async () => {
    const wrapper = await mountLogin('/login?redirect=https%3A%2F%2Fevil.example%2F')
    await fillIn(wrapper)
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(router.currentRoute.value.name).toBe('overview')
    wrapper.unmount()
  })
})
