import type { RouteRecordRaw } from 'vue-router'
import type { Permission, Restriction, Role } from '@tokenauth/shared'

declare module 'vue-router' {
  interface RouteMeta {
    /** Open without signing in. Anything not marked public needs a session (fail closed). */
    public?: boolean
    /** Only for visitors who are not signed in (the login page): others go on to the app. */
    guestOnly?: boolean
    /** The user needs at least one of these roles; otherwise the 403 page. */
    roles?: Role[]
    /** The message key of the page's name (document title, navigation). */
    title?: string
    /** Shown in the dashboard navigation. */
    nav?: boolean
    /** Shown in the account menu on the signed-in person's name. */
    account?: boolean
    /** The server's permission behind the page: its navigation link shows only to those who hold it. */
    permission?: Permission
    /** The page a session with this restriction is kept on (and only such a session). */
    restriction?: Restriction
  }
}

/** Every page; views are lazy-loaded so `/login` downloads only what it shows. */
export const routes: RouteRecordRaw[] = [
  {
    path: '/login',
    name: 'login',
    component: () => import('../views/LoginView.vue'),
    meta: { public: true, guestOnly: true, title: 'nav.login' },
  },
  {
    path: '/setup',
    name: 'setup',
    component: () => import('../views/SetupView.vue'),
    meta: { public: true, title: 'nav.setup' },
  },
  {
    path: '/change-password',
    name: 'password-change-required',
    component: () => import('../views/PasswordChangeRequiredView.vue'),
    meta: { restriction: 'password_change_required', title: 'restricted.password.title' },
  },
  {
    path: '/set-up-second-factor',
    name: 'second-factor-enrolment',
    component: () => import('../views/SecondFactorEnrolmentView.vue'),
    meta: { restriction: 'second_factor_enrolment_required', title: 'restricted.enrolment.title' },
  },
  {
    path: '/',
    component: () => import('../views/dashboard/DashboardLayout.vue'),
    children: [
      {
        path: '',
        name: 'overview',
        component: () => import('../views/dashboard/OverviewView.vue'),
        meta: { title: 'nav.overview', nav: true },
      },
      {
        path: 'notes',
        name: 'notes',
        component: () => import('../views/dashboard/NotesView.vue'),
        meta: { title: 'nav.notes', nav: true },
      },
      {
        path: 'sessions',
        name: 'devices',
        component: () => import('../views/dashboard/DevicesView.vue'),
        meta: { title: 'nav.devices', nav: true, account: true },
      },
      {
        path: 'profile',
        name: 'profile',
        component: () => import('../views/dashboard/ProfileView.vue'),
        meta: { title: 'nav.profile', account: true },
      },
      {
        path: 'users',
        name: 'users',
        component: () => import('../views/dashboard/UsersView.vue'),
        meta: { title: 'nav.users', nav: true, roles: ['admin'], permission: 'users.read' },
      },
      {
        path: 'audit',
        name: 'audit',
        component: () => import('../views/dashboard/AuditView.vue'),
        meta: { title: 'nav.audit', nav: true, roles: ['admin'], permission: 'audit.read' },
      },
      {
        path: 'session',
        name: 'server-storage',
        component: () => import('../views/dashboard/ServerStorageView.vue'),
        meta: { title: 'nav.serverStorage', account: true },
      },
      {
        path: 'forbidden',
        name: 'forbidden',
        component: () => import('../views/dashboard/ForbiddenView.vue'),
        meta: { title: 'nav.forbidden' },
      },
      {
        // The 404 page for a signed-in person: inside the header and navigation, so that
        // the way on is in reach. The auth guard sends each visitor to the right one.
        path: ':pathMatch(.*)*',
        name: 'signed-in-not-found',
        component: () => import('../views/NotFoundView.vue'),
        meta: { title: 'nav.notFound' },
      },
    ],
  },
  {
    path: '/:pathMatch(.*)*',
    name: 'not-found',
    component: () => import('../views/NotFoundView.vue'),
    meta: { public: true, title: 'nav.notFound' },
  },
]
