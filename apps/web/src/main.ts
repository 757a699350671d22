import { createApp } from 'vue'
import App from './App.vue'
import * as authApi from './api/auth'
import { completeSetup } from './api/setup'
import { http } from './api/http'
import { installInterceptors } from './api/interceptors'
import { appProgress } from './feedback/progress'
import { appToasts } from './feedback/toasts'
import { createAppRouter } from './router'
import { createAuthGuard } from './router/guards'
import { installNavigationProgress } from './router/progress'
import { createAppStore, storeKey } from './store'
import { authOf } from './store/modules/auth'
import { authChannelKey, createAuthChannel } from './sync/auth-channel'
import { followOtherTabs } from './sync/follow-other-tabs'
import './styles/main.css'

const store = createAppStore({ ...authApi, completeSetup })
const auth = authOf(store)
const router = createAppRouter()
const channel = createAuthChannel()

installInterceptors(http, { auth, router, notifier: appToasts, progress: appProgress })
installNavigationProgress(router, appProgress)

// The token lives in memory only; a reload renews it through the HttpOnly session
// cookie. The first navigation waits for that one attempt, so a reload never flashes
// the login page, and a dead session lands on it exactly once.
const restored = auth.restore()
router.beforeEach(createAuthGuard({ currentUser: () => auth.user, ready: () => restored }))
followOtherTabs(channel, auth, router)

const app = createApp(App)
// A bug in a handler must not fail silently: log it for developers, say so to the user.
app.config.errorHandler = (error) => {
  console.error(error)
  appToasts.notify({ kind: 'error', text: 'Something went wrong on this page. Reloading it may help.' })
}
app.use(store, storeKey).use(router).provide(authChannelKey, channel).mount('#app')
