import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { expect } from 'vitest'

/**
 * A workspace package as a stranger gets it, for the packages' pack tests: `pnpm pack`
 * (which applies `publishConfig`), the manifest inside the tarball, publint and
 * "Are the types wrong?" on the tarball itself (both work offline), and a scratch project
 * that installs the tarball with `--prefer-offline`: packages come from the local pnpm
 * store, and the registry is asked only for metadata the cache lacks.
 */

const root = path.resolve(import.meta.dirname, '..')

export const run = (command: string, args: readonly string[], cwd: string): string =>
  execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 240_000 })

/** The manifest fields the pack tests look at, as the tarball carries them. */
export interface PackedManifest {
  readonly name: string
  readonly private?: boolean
  readonly license?: string
  readonly engines?: { readonly node?: string }
  readonly files?: readonly string[]
  readonly exports?: unknown
  readonly repository?: { readonly type?: string; readonly url?: string; readonly directory?: string }
  readonly bugs?: { readonly url?: string }
  readonly homepage?: string
  readonly dependencies?: Readonly<Record<string, string>>
}

export interface PackedPackage {
  readonly tarball: string
  readonly manifest: PackedManifest
  readonly entries: readonly string[]
}

/** `pnpm pack` into `scratch`; the tarball's path, its file list and its package.json. */
export function pack(packageDir: string, scratch: string): PackedPackage {
  const destination = path.join(scratch, 'tarball')
  mkdirSync(destination, { recursive: true })
  run('pnpm', ['pack', '--pack-destination', destination], packageDir)
  const name = readdirSync(destination).find((entry) => entry.endsWith('.tgz'))
  if (name === undefined) throw new Error(`pnpm pack wrote no tarball for ${packageDir}`)
  const tarball = path.join(destination, name)
  const entries = run('tar', ['-tzf', tarball], scratch).trim().split('\n')
  const manifest = JSON.parse(run('tar', ['-xzOf', tarball, 'package/package.json'], scratch)) as PackedManifest
  return { tarball, manifest, entries }
}

/** Every export condition named anywhere in an `exports` map. */
export function exportConditions(exports: unknown): string[] {
  if (typeof exports !== 'object' || exports === null) return []
  return Object.entries(exports).flatMap(([key, value]) => [...(key.startsWith('.') ? [] : [key]), ...exportConditions(value)])
}

function runTool(binary: string, args: readonly string[]): { ok: boolean; output: string } {
  try {
    return { ok: true, output: execFileSync(process.execPath, [binary, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } }) }
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string }
    return { ok: false, output: `${stdout ?? ''}${stderr ?? String(error)}` }
  }
}

/** A root devDependency's binary (publint's exports hide its package.json from `require.resolve`). */
function binaryOf(packageName: string, bin: string): string {
  const manifestPath = path.join(root, 'node_modules', packageName, 'package.json')
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { bin: string | Record<string, string> }
  const relative = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin[bin]
  if (relative === undefined) throw new Error(`${packageName} has no binary ${bin}`)
  return path.join(path.dirname(manifestPath), relative)
}

/** publint, strict (warnings fail too), on the tarball. */
export const publint = (tarball: string) => runTool(binaryOf('publint', 'publint'), ['run', tarball, '--strict'])

/**
 * "Are the types wrong?" on the tarball. The packages are ESM only (Node ≥ 22.12 can
 * `require()` them), so the CommonJS resolution modes are not judged.
 */
export const areTheTypesWrong = (tarball: string) => runTool(binaryOf('@arethetypeswrong/cli', 'attw'), [tarball, '--profile', 'esm-only', '--no-color'])

/** An empty ESM project in `dir`, pinned to the workspace's own pnpm (corepack would look up the newest one online). */
export function scratchProject(dir: string): string {
  mkdirSync(dir, { recursive: true })
  const { packageManager } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { packageManager: string }
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'scratch', private: true, type: 'module', packageManager }))
  return dir
}

/** `pnpm add` outside the workspace, from the local store when it can. */
export const install = (project: string, specs: readonly string[]) => run('pnpm', ['add', '--prefer-offline', '--ignore-workspace', ...specs], project)

/** What a project has at the top of `node_modules`: only what it asked for. */
export const topLevelModules = (project: string) =>
  readdirSync(path.join(project, 'node_modules'))
    .filter((name) => !name.startsWith('.'))
    .sort()

/** The first ```js block of a README: the example a stranger would paste. */
export function readmeExample(packageDir: string): string {
  const readme = readFileSync(path.join(packageDir, 'README.md'), 'utf8')
  const match = /```js\n([\s\S]*?)```/.exec(readme)
  if (!match?.[1]) throw new Error(`${packageDir}/README.md has no \`\`\`js example`)
  return match[1]
}

/** The `// …` lines that end a README example: the output it promises. */
export function promisedOutput(example: string): string[] {
  const lines = example.trimEnd().split('\n')
  const promised: string[] = []
  for (let index = lines.length - 1; index >= 0 && lines[index]?.startsWith('// '); index--) promised.unshift(lines[index]?.slice(3) ?? '')
  return promised
}

/** Runs the README example in the project with the workspace's Node. */
export function runExample(project: string, example: string): string[] {
  writeFileSync(path.join(project, 'example.mjs'), example)
  return run(process.execPath, ['example.mjs'], project).trim().split('\n')
}

/**
 * What every published package of the workspace promises: public, MIT with its LICENSE,
 * the Node range of the workspace, where it comes from, nothing of the workspace's own
 * (`workspace:` versions, the `source` export condition that points at TypeScript), and
 * clean publint and attw reports.
 */
export function expectPublishable({ tarball, manifest, entries }: PackedPackage, folder: string): void {
  expect(manifest.private).toBeUndefined()
  expect(manifest.license).toBe('MIT')
  expect(entries).toEqual(expect.arrayContaining(['package/LICENSE', 'package/README.md', 'package/package.json', 'package/dist/index.js', 'package/dist/index.d.ts']))
  expect(entries.filter((entry) => /\.test\.|\/bench\//.test(entry))).toEqual([])
  expect(manifest.engines?.node).toBe('>=22.12')
  expect(manifest.repository).toEqual({ type: 'git', url: expect.stringMatching(/^git\+https:\/\/.+\.git$/), directory: folder })
  const repository = manifest.repository?.url?.replace(/^git\+/, '').replace(/\.git$/, '')
  expect(manifest.bugs).toEqual({ url: `${repository}/issues` })
  expect(manifest.homepage).toBe(`${repository}/tree/main/${folder}#readme`)
  // A consumer building with `--conditions=source` would otherwise resolve our .ts under node_modules.
  expect(exportConditions(manifest.exports)).not.toContain('source')
  expect(exportConditions(manifest.exports)).toEqual(expect.arrayContaining(['types', 'default']))
  expect(Object.entries(manifest.dependencies ?? {}).filter(([name, version]) => name.startsWith('@tokenauth/') || version.startsWith('workspace:'))).toEqual([])

  const lint = publint(tarball)
  expect(lint.output).toMatch(/All good!/)
  expect(lint.ok).toBe(true)
  const types = areTheTypesWrong(tarball)
  expect(types.output).not.toMatch(/❌|💀|🥴|🐛|❗️|🚭|🎭/)
  expect(types.ok, types.output).toBe(true)
}
