import { describe, expect, it } from 'vitest'
import { ErrorBody, MeResponse } from '@tokenauth/shared'
import { compileEachResponseSchemaOnce } from './serializer-cache.js'
import { createAppWithAlice } from '../test-support/test-app.js'

const route = (schema: unknown, url = '/api/me', httpStatus = '200') => ({ method: 'GET', url, httpStatus, schema })

describe('compileEachResponseSchemaOnce', () => {
  it('gives every route that answers with the same schema object the same serializer', () => {
    const compile = compileEachResponseSchemaOnce()({}, {})
    const first = compile(route(ErrorBody, '/api/me', '401'))
    expect(compile(route(ErrorBody, '/api/notes', '401'))).toBe(first)
    expect(compile(route(ErrorBody, '/api/notes', '429'))).toBe(first)
    expect(compile(route(MeResponse))).not.toBe(first)
  })

  it('serializes by the schema, as fast-json-stringify does: undeclared properties are left out', () => {
    const serialize = compileEachResponseSchemaOnce()({}, {})(route(ErrorBody, '/api/me', '401'))
    const body = { error: { code: 'missing_token', message: 'Sign in first.' }, secret: 'not in the schema' }
    expect(JSON.parse(serialize(body))).toEqual({ error: { code: 'missing_token', message: 'Sign in first.' } })
  })

  it('keeps contexts with different shared schemas apart', () => {
    const factory = compileEachResponseSchemaOnce()
    const plain = factory({}, {})(route(ErrorBody))
    const withShared = factory({ other: { $id: 'other', type: 'string' } }, {})(route(ErrorBody))
    expect(withShared).not.toBe(plain)
  })

  it('keeps contexts with different serializer options apart, and shares between contexts with the same options', () => {
    const factory = compileEachResponseSchemaOnce()
    const count = { type: 'object', properties: { n: { type: 'integer' } } }
    const ceil = { rounding: 'ceil' as const }
    const truncating = factory({}, {})(route(count))
    const rounding = factory({}, ceil)(route(count))
    expect(rounding).not.toBe(truncating)
    expect([truncating({ n: 1.2 }), rounding({ n: 1.2 })]).toEqual(['{"n":1}', '{"n":2}'])
    expect(factory({}, ceil)(route(count))).toBe(rounding)
  })

  it('is what the app serializes with: an error answer and a user answer keep their shapes', async () => {
    const { t, alice } = await createAppWithAlice()
    try {
      const refused = await t.app.inject({ method: 'GET', url: '/api/notes' })
      expect(refused.statusCode).toBe(401)
      expect(Object.keys(refused.json<{ error: object }>().error).sort()).toEqual(['code', 'message'])
      const me = await t.app.inject({ method: 'GET', url: '/api/me', headers: { token: alice.token } })
      expect(me.statusCode).toBe(200)
      expect(me.json()).toMatchObject({ username: 'alice' })
    } finally {
      await t.close()
    }
  })
})
