import { existsSync, readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

/** Every package of the workspace says the same about its licence and the Node it supports. */
const root = path.resolve(import.meta.dirname, '..')
const manifests = ['.', ...['apps', 'packages'].flatMap((dir) => readdirSync(path.join(root, dir)).map((name) => `${dir}/${name}`))].map(
  (dir) => ({
    dir,
    manifest: JSON.parse(readFileSync(path.join(root, dir, 'package.json'), 'utf8')) as { private?: boolean; license?: string; engines?: { node?: string } },
  }),
)

describe('the workspace packages', () => {
  it('are all six found', () => {
    expect(manifests.map((m) => m.dir).sort()).toEqual(['.', 'apps/api', 'apps/web', 'packages/fastify-token-auth', 'packages/shared', 'packages/signer'])
  })

  it('each carry the MIT licence of LICENSE', () => {
    expect(readFileSync(path.join(root, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n/)
    expect(manifests.filter((m) => m.manifest.license !== 'MIT').map((m) => m.dir)).toEqual([])
  })

  it('support no Node older than the root does (Node 20 is past its end of life)', () => {
    const declared = manifests.filter((m) => m.manifest.engines?.node !== undefined)
    expect(declared.map((m) => m.dir)).toContain('.')
    expect(declared.filter((m) => m.manifest.engines?.node !== '>=22.12').map((m) => `${m.dir}: ${m.manifest.engines?.node}`)).toEqual([])
  })

  it('that are published are the plugin and the signer, each with the LICENSE file in its folder (npm pack takes it from there)', () => {
    const published = manifests.filter((m) => m.manifest.private !== true).map((m) => m.dir)
    expect(published).toEqual(['packages/fastify-token-auth', 'packages/signer'])
    const licence = readFileSync(path.join(root, 'LICENSE'), 'utf8')
    expect(published.filter((dir) => !existsSync(path.join(root, dir, 'LICENSE')) || readFileSync(path.join(root, dir, 'LICENSE'), 'utf8') !== licence)).toEqual([])
  })
})
