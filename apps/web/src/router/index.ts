import { createRouter, createWebHistory, type Router, type RouteRecordRaw, type RouterHistory } from 'vue-router'
import { routes as appRoutes } from './routes'

/** The router with its routes; guards are added by main.ts, the document title by App.vue. */
export function createAppRouter(history: RouterHistory = createWebHistory(), routes: RouteRecordRaw[] = appRoutes): Router {
  const router = createRouter({
    history,
    routes,
    // A link to a part of a page (the account menu's Security → /profile#second-factors) lands on that part.
    scrollBehavior: (to, _from, saved) => saved ?? (to.hash ? { el: to.hash } : { top: 0 }),
  })
  return router
}
