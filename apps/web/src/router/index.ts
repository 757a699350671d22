import { createRouter, createWebHistory, type Router, type RouteRecordRaw, type RouterHistory } from 'vue-router'
import { routes as appRoutes } from './routes'

const APP_NAME = 'tokenauth'

/** The router with its routes and the document title; guards are added by main.ts. */
export function createAppRouter(history: RouterHistory = createWebHistory(), routes: RouteRecordRaw[] = appRoutes): Router {
  const router = createRouter({
    history,
    routes,
    scrollBehavior: (_to, _from, saved) => saved ?? { top: 0 },
  })
  router.afterEach((to) => {
    document.title = to.meta.title ? `${to.meta.title} · ${APP_NAME}` : APP_NAME
  })
  return router
}
