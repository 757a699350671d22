import { execFile } from 'node:child_process'
import { createRequire } from 'node:module'
import path from 'node:path'
import { promisify, stripVTControlCharacters } from 'node:util'
import { expect, it } from 'vitest'

/**
 * The plugin's types as an app sees them (`typetests/`, checked by TSTyche against the
 * TypeScript of the workspace): `request.user` carries the merged principal, the route
 * option `auth` takes only the rule forms, and a `decoratorName` declared by merging moves
 * the principal to that name.
 */
const packageDir = path.resolve(import.meta.dirname, '..')
const tstyche = path.join(path.dirname(createRequire(import.meta.url).resolve('tstyche')), 'bin.js')

it('the type tests pass', { timeout: 120_000 }, async () => {
  const result = await promisify(execFile)(process.execPath, [tstyche], { cwd: packageDir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } }).catch(
    (error: { stdout?: string; stderr?: string }) => ({ stdout: error.stdout ?? '', stderr: error.stderr ?? String(error) }),
  )
  expect(stripVTControlCharacters(`${result.stdout}${result.stderr}`)).toMatch(/Test files:\s+2 passed, 2 total/)
})
