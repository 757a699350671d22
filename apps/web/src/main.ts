import { createApp } from 'vue'
import { I18nT } from 'vue-i18n'
import App from './App.vue'
import * as authApi from './api/auth'
import { prefetchLoginPageReads } from './api/login-page'
import { getSession } from './api/session'
import { completeSetup } from './api/setup'
import { http } from './api/http'
import { installInterceptors } from './api/interceptors'
import { appProgress } from './feedback/progress'
import { appToasts } from './feedback/toasts'
import { createAppRouter } from './router'
import { createAuthGuard, RESTRICTED_PAGES } from './router/guards'
import { installNavigationProgress } from './router/progress'
import { endSharedSessionReadOnLeave } from './router/session-read'
import { createSessionLifecycle, sessionLifecycleKey } from './session-lifecycle/lifecycle'
import { appSignInPrompt } from './session-lifecycle/sign-in-prompt'
import { appStepUpPrompt } from './session-lifecycle/step-up-prompt'
import { createAppStore, storeKey } from './store'
import { authOf } from './session-lifecycle/auth-access'
import { createAuthChannel } from './sync/auth-channel'
import { followOtherTabs } from './sync/follow-other-tabs'
import { applyInitialLocale, i18n, t } from './i18n'
import { applyStoredTheme } from './preferences/theme'
import './styles/main.css'

// Before anything renders: the remembered (or the browser's) language and theme. A
// language other than English is fetched first, beside the renewal check below.
const localeReady = applyInitialLocale()
applyStoredTheme()

const channel = createAuthChannel()
// The store's sign-in, setup and sign-out actions are the only places that tell other tabs.
const store = createAppStore({ ...authApi, completeSetup, getSession, announce: (event) => channel.post(event) })
const auth = authOf(store)
const router = createAppRouter()
// What happens when the session is lost, renewed or ended: renewal on a 401, and a session
// that ends in the middle of work is resumed in place (the sign-in-again dialog).
const lifecycle = createSessionLifecycle({ auth, prompt: appSignInPrompt, router, notifier: appToasts })

installInterceptors(http, {
  auth,
  lifecycle,
  stepUpPrompt: appStepUpPrompt,
  notifier: appToasts,
  progress: appProgress,
  // Restricted after the sign-in (an admin's reset, a factor removed): to the page that lifts it.
  restricted: (restriction) => {
    auth.setRestriction(restriction)
    const here = router.currentRoute.value
    if (here.meta.restriction !== restriction) void router.replace({ name: RESTRICTED_PAGES[restriction], query: { redirect: here.fullPath } })
  },
})
installNavigationProgress(router, appProgress)

// The token lives in memory only; a reload renews it through the HttpOnly session
// cookie. The first navigation waits for that one attempt, so a reload never flashes
// the login page, and a dead session lands on it exactly once.
const restored = auth.restore()
if (window.location.pathname === '/login') prefetchLoginPageReads()
router.beforeEach(createAuthGuard({ currentUser: () => auth.user, restriction: () => auth.restriction, ready: () => restored }))
followOtherTabs(channel, lifecycle)
endSharedSessionReadOnLeave(router, auth)

const app = createApp(App)
// A bug in a handler must not fail silently: log it for developers, say so to the user.
app.config.errorHandler = (error) => {
  console.error(error)
  appToasts.notify({ kind: 'error', text: t('app.pageError') })
}
// Mounts once the page's language is in: English at once, another language when fetched.
void localeReady.then(() =>
  app
    .use(i18n)
    // The one vue-i18n component in use; its full install is compiled out (vite.config.ts).
    .component('i18n-t', I18nT)
    .use(store, storeKey)
    .use(router)
    .provide(sessionLifecycleKey, lifecycle)
    .mount('#app'),
)
