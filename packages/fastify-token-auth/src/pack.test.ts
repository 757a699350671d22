import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

/**
 * The package as a stranger gets it: `pnpm pack`, then the tarball installed into an
 * empty project next to `fastify` alone, and the README's example run there with plain
 * Node. `--prefer-offline` with the fastify version this workspace already has: the
 * packages come from the local pnpm store, and the registry is asked only for metadata
 * the cache lacks.
 */
const packageDir = path.resolve(import.meta.dirname, '..')
const scratch = mkdtempSync(path.join(tmpdir(), 'tokenauth-pack-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

const run = (command: string, args: readonly string[], cwd: string) =>
  execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 240_000 })

/** The first ```js block of the README: the minimal example. */
function readmeExample(): string {
  const readme = readFileSync(path.join(packageDir, 'README.md'), 'utf8')
  const match = /```js\n([\s\S]*?)```/.exec(readme)
  if (!match?.[1]) throw new Error('README.md has no ```js example')
  return match[1]
}

describe('the packed plugin', () => {
  it('installs from its tarball with only fastify beside it and runs the README example', { timeout: 300_000 }, () => {
    run('pnpm', ['pack', '--pack-destination', scratch], packageDir)
    const tarball = readdirSync(scratch).find((name) => name.endsWith('.tgz'))
    expect(tarball).toBeDefined()
    const manifest = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }
    // Nothing of ours: a stranger's registry has no @tokenauth/shared.
    expect(Object.keys(manifest.dependencies).filter((name) => name.startsWith('@tokenauth/'))).toEqual([])

    const project = path.join(scratch, 'project')
    run('mkdir', ['-p', project], scratch)
    // The workspace's own pnpm (corepack would otherwise look up the newest one online).
    const { packageManager } = JSON.parse(readFileSync(path.join(packageDir, '../../package.json'), 'utf8')) as { packageManager: string }
    writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'scratch', private: true, type: 'module', packageManager }))
    const { version: fastifyVersion } = JSON.parse(readFileSync(path.join(packageDir, 'node_modules/fastify/package.json'), 'utf8')) as { version: string }
    run('pnpm', ['add', '--prefer-offline', '--ignore-workspace', `fastify@${fastifyVersion}`, path.join(scratch, tarball ?? '')], project)
    // Only what was asked for is at the top: fastify and the plugin (its own dependency stays inside .pnpm).
    expect(readdirSync(path.join(project, 'node_modules')).filter((name) => !name.startsWith('.')).sort()).toEqual(['@tokenauth', 'fastify'])

    writeFileSync(path.join(project, 'example.mjs'), readmeExample())
    const output = run(process.execPath, ['example.mjs'], project).trim().split('\n')
    expect(output).toEqual([
      '200 GET /health {"status":"ok"}',
      '401 GET /me {"error":{"code":"missing_token","message":"Authentication is required."}}',
      '200 GET /me {"name":"alice","roles":["admin"]}',
      '200 DELETE /users/7 {"deleted":true}',
    ])
  })
})
