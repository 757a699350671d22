import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { readFileSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import { expectPublishable, install, pack, promisedOutput, readmeExample, runExample, scratchProject, topLevelModules } from '../../../scripts/packed-package.js'

/**
 * The package as a stranger gets it: `pnpm pack`, publint and attw on the tarball, then
 * the tarball installed into an empty project next to `fastify` alone, and the README's
 * example run there with plain Node.
 */
const packageDir = path.resolve(import.meta.dirname, '..')
const scratch = mkdtempSync(path.join(tmpdir(), 'tokenauth-pack-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

describe('the packed plugin', () => {
  it('is publishable, installs from its tarball with only fastify beside it and runs the README example', { timeout: 300_000 }, () => {
    const packed = pack(packageDir, scratch)
    expectPublishable(packed, 'packages/fastify-token-auth')
    expect(packed.manifest.dependencies).toEqual({ 'fastify-plugin': expect.any(String) })

    const project = scratchProject(path.join(scratch, 'project'))
    const { version: fastifyVersion } = JSON.parse(readFileSync(path.join(packageDir, 'node_modules/fastify/package.json'), 'utf8')) as { version: string }
    install(project, [`fastify@${fastifyVersion}`, packed.tarball])
    // Only what was asked for is at the top: fastify and the plugin (its own dependency stays inside .pnpm).
    expect(topLevelModules(project)).toEqual(['@tokenauth', 'fastify'])

    const example = readmeExample(packageDir)
    const expected = [
      '200 GET /health {"status":"ok"}',
      '401 GET /me {"error":{"code":"missing_token","message":"Authentication is required."}}',
      '200 GET /me {"name":"alice","roles":["admin"]}',
      '200 DELETE /users/7 {"deleted":true}',
    ]
    expect(promisedOutput(example)).toEqual(expected)
    expect(runExample(project, example)).toEqual(expected)
  })
})
