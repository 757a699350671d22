import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { expectPublishable, install, pack, promisedOutput, readmeExample, runExample, scratchProject, topLevelModules } from '../../../scripts/packed-package.js'

/**
 * The package as a stranger gets it: `pnpm pack`, publint and attw on the tarball, then
 * the tarball installed alone into an empty project and the README's example run there
 * with plain Node.
 */
const packageDir = path.resolve(import.meta.dirname, '..')
const scratch = mkdtempSync(path.join(tmpdir(), 'tokenauth-pack-signer-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

describe('the packed signer', () => {
  it('is publishable, installs alone from its tarball and runs the README example', { timeout: 300_000 }, () => {
    const packed = pack(packageDir, scratch)
    expectPublishable(packed, 'packages/signer')
    expect(Object.keys(packed.manifest.dependencies ?? {})).toEqual(['jose'])

    const project = scratchProject(path.join(scratch, 'project'))
    install(project, [packed.tarball])
    expect(topLevelModules(project)).toEqual(['@tokenauth'])

    const example = readmeExample(packageDir)
    const expected = ['true 42 session-1 2030-01-01T00:15:00.000Z', 'rotated true', 'unknown_key', 'wrong_audience', 'bad_signature', 'malformed', 'expired']
    expect(promisedOutput(example)).toEqual(expected)
    expect(runExample(project, example)).toEqual(expected)
  })
})
