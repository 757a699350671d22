import Fastify from 'fastify'
import { describe, expect, it } from 'vitest'
import { tokenAuth, type AuthRule } from '@tokenauth/fastify-token-auth'
import { collectPermissions } from './permissions.js'

/** An app with the token plugin and three user-admin routes; `createRule` is the rule of one of them. */
async function indexWith(createRule: AuthRule) {
  const app = Fastify()
  await app.register(tokenAuth, { verifyToken: () => ({ ok: false, code: 'invalid_token' }) })
  const permissions = collectPermissions(app)
  const admin: AuthRule = { roles: { anyOf: ['admin'] } }
  app.get('/users', { config: { auth: admin, permission: 'users.read' } }, async () => [])
  app.post('/users', { config: { auth: createRule, permission: 'users.write' } }, async () => ({}))
  app.delete('/users/:id', { config: { auth: admin, permission: 'users.write' } }, async () => null)
  app.get('/notes', { config: { auth: 'required' } }, async () => [])
  await app.ready()
  await app.close()
  return permissions
}

describe('permissions from the route rules', () => {
  it('a person holds a permission when their roles pass the rule of every route that declares it', async () => {
    const permissions = await indexWith({ roles: { anyOf: ['admin'] } })
    expect(permissions.granted(['admin'])).toEqual(['users.read', 'users.write'])
    expect(permissions.granted(['editor'])).toEqual([])
    expect(permissions.granted([])).toEqual([])
  })

  it('changing one route’s rule changes who holds its permission, with nothing else edited', async () => {
    const permissions = await indexWith({ roles: { allOf: ['admin', 'auditor'] } })
    expect(permissions.granted(['admin'])).toEqual(['users.read'])
    expect(permissions.granted(['admin', 'auditor'])).toEqual(['users.read', 'users.write'])
  })
})
