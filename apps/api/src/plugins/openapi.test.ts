import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../test-support/test-app.js'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(async () => t.close())

describe('GET /api/openapi.json', () => {
  it('documents every API route from the shared schemas, with the token requirement', async () => {
    const response = await t.app.inject({ url: '/api/openapi.json' })
    expect(response.statusCode).toBe(200)
    const doc = response.json()
    expect(doc.openapi).toBe('3.0.3')
    expect(doc.components.securitySchemes.tokenHeader).toEqual({ type: 'apiKey', in: 'header', name: 'token' })
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/auth/login', '/api/me', '/api/notes', '/api/notes/{id}', '/api/audit']))
    expect(doc.paths['/api/me'].get.security).toEqual([{ tokenHeader: [] }, { bearer: [] }])
    expect(doc.paths['/api/auth/login'].post.security).toBeUndefined()
    expect(doc.paths['/api/auth/login'].post.requestBody.content['application/json'].schema.required).toEqual(['username', 'password'])
    expect(doc.paths['/api/me'].get.responses['401']).toBeDefined()
    expect(Object.keys(doc.paths).every((p: string) => p.startsWith('/api/'))).toBe(true)
  })

  it('names every answer: none is left as "Default Response"', async () => {
    const doc = (await t.app.inject({ url: '/api/openapi.json' })).json() as {
      paths: Record<string, Record<string, { responses: Record<string, { description: string }> }>>
    }
    const unnamed: string[] = []
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        for (const [status, answer] of Object.entries(operation.responses)) {
          if (!answer.description || answer.description === 'Default Response') unnamed.push(`${method.toUpperCase()} ${path} ${status}`)
        }
      }
    }
    expect(unnamed).toEqual([])
    expect(doc.paths['/api/me']?.get?.responses['200']?.description).toBe('The signed-in user')
    expect(doc.paths['/api/me']?.get?.responses['401']?.description).toMatch(/token/)
    expect(doc.paths['/api/notes/{id}']?.delete?.responses['204']?.description).toBe('The note is deleted')
  })

  it('keeps the response schemas themselves: the words are not part of them', async () => {
    const doc = (await t.app.inject({ url: '/api/openapi.json' })).json() as {
      paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: Record<string, unknown> }> }> }>>
    }
    const schema = doc.paths['/api/me']?.get?.responses['200']?.content?.['application/json']?.schema
    expect(schema?.required).toEqual(expect.arrayContaining(['id', 'username']))
    expect(JSON.stringify(doc)).not.toContain('x-response-description')
  })
})
