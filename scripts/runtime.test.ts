import { execFileSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

/**
 * docs/runtime.md's promise, both halves: the suite runs on a supported Node whatever Node
 * the machine has, and a machine whose Node is already supported downloads no second one.
 */
const root = path.resolve(import.meta.dirname, '..')
const scratch = mkdtempSync(path.join(tmpdir(), 'tokenauth-runtime-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T

function isSupported(version: string): boolean {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number)
  return major > 22 || (major === 22 && minor >= 12)
}

describe('which Node runs what', () => {
  it('the tests run on a supported Node (on a machine with an older Node, the one the `node` devDependency brought)', () => {
    expect(isSupported(process.version), process.version).toBe(true)
    const { engines } = readJson<{ engines: { node: string } }>(path.join(root, 'package.json'))
    expect(engines.node).toBe('>=22.12')
  })

  it('on a supported Node, pnpm install fetches no second runtime and scripts use the Node at hand', { timeout: 120_000 }, () => {
    // A project with the root's install settings and its `node` devDependency (the version
    // the lockfile resolved, so it comes from the local store), installed by pnpm running
    // on the Node that runs this test: a machine that already has a supported Node.
    const { packageManager } = readJson<{ packageManager: string }>(path.join(root, 'package.json'))
    const { version } = readJson<{ version: string }>(path.join(root, 'node_modules/node/package.json'))
    for (const file of ['.npmrc', '.pnpmfile.cjs', 'pnpm-workspace.yaml']) copyFileSync(path.join(root, file), path.join(scratch, file))
    writeFileSync(
      path.join(scratch, 'package.json'),
      JSON.stringify({ name: 'scratch', private: true, packageManager, scripts: { which: 'node -p process.execPath' }, devDependencies: { node: version } }),
    )
    const env = { ...process.env, PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}`, COREPACK_ENABLE_DOWNLOAD_PROMPT: '0' }
    const run = (args: string[]) =>
      execFileSync('pnpm', args, { cwd: scratch, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 100_000 })

    run(['install', '--prefer-offline'])
    // The package is there (the lockfile stays the same everywhere), its binary is not:
    // its download step (a nested `npm install node-<platform>`) never ran.
    expect(existsSync(path.join(scratch, 'node_modules/node/package.json'))).toBe(true)
    expect(existsSync(path.join(scratch, 'node_modules/node/bin/node'))).toBe(false)
    expect(readdirSync(path.join(scratch, 'node_modules/.pnpm')).filter((name) => /^node-(linux|darwin|win)/.test(name))).toEqual([])
    expect(run(['-s', 'run', 'which']).trim()).toBe(process.execPath)
  })
})
