import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../test-support/test-app.js'
import { collectRoutes, type CollectedRoute } from '../test-support/route-collector.js'
import { snapshotTables, tableNames } from '../test-support/db-snapshot.js'

let t: TestApp
let routes: CollectedRoute[]
let alice: Awaited<ReturnType<TestApp['login']>>
let tables: string[]

beforeAll(async () => {
  const built = await collectRoutes(() => createTestApp())
  t = built.result
  routes = built.routes.filter((route) => route.method === 'GET' || route.method === 'HEAD')
  await t.addUser('alice', 'correct horse battery', ['admin'])
  await t.addUser('bob', 'correct horse battery')
  alice = await t.login('alice', 'correct horse battery')
  await t.login('bob', 'correct horse battery')
  const headers = { token: alice.token }
  await t.app.inject({ method: 'POST', url: '/api/notes', headers, payload: { text: 'a note' } })
  await t.app.inject({ method: 'PUT', url: '/api/session/items/theme', headers, payload: { value: 'dark' } })
  tables = await tableNames(t.services.engine)
})
afterAll(async () => t.close())

const PARAMS: Readonly<Record<string, string>> = { key: 'theme', name: 'pref', id: '1' }

describe('GET and HEAD change nothing', () => {
  it('no GET or HEAD route writes to any table, signed in as an admin with a cookie (the idle clock aside)', async () => {
    expect(routes.length).toBeGreaterThan(10)
    const before = await snapshotTables(t.services.engine, tables)
    for (const route of routes) {
      const url = route.url.replace(/:([A-Za-z]+)/g, (_m, param: string) => PARAMS[param] ?? '1').replace(/\*$/, 'x')
      const response = await t.app.inject({
        method: route.method as 'GET' | 'HEAD',
        url,
        headers: { token: alice.token, cookie: `${alice.cookie}; pref=1` },
      })
      expect(response.statusCode, `${route.method} ${url}`).toBeLessThan(500)
    }
    expect(await snapshotTables(t.services.engine, tables)).toEqual(before)
  })
})
