import { createRouter, createWebHistory, type Router, type RouteRecordRaw, type RouterHistory } from 'vue-router'
import { routes as appRoutes } from './routes'

/** The router with its routes; guards are added by main.ts, the document title by App.vue. */
export function createAppRouter(history: RouterHistory = createWebHistory(), routes: RouteRecordRaw[] = appRoutes): Router {
  const router = createRouter({
    history,
    routes,
    scrollBehavior: (_to, _from, saved) => saved ?? { top: 0 },
  })
  return router
}
