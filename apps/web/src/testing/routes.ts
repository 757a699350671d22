import { defineComponent, h } from 'vue'
import type { RouteRecordRaw } from 'vue-router'
import { routes } from '../router/routes'

const Stub = defineComponent({ name: 'RouteStub', render: () => h('div') })

/** The app's real route table (paths, names, meta) with every view replaced by a stub. */
export function stubbedRoutes(records: readonly RouteRecordRaw[] = routes): RouteRecordRaw[] {
  return records.map((record) => {
    const { children, ...rest } = record
    const copy = { ...rest, component: Stub } as RouteRecordRaw
    return children ? ({ ...copy, children: stubbedRoutes(children) } as RouteRecordRaw) : copy
  })
}
