import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { loadEnvFile } from './env-file.js'

describe('loadEnvFile', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tokenauth-env-'))
  afterEach(() => {
    delete process.env.TOKENAUTH_TEST_FROM_FILE
    delete process.env.TOKENAUTH_TEST_SET_BOTH
  })

  it('reads the file, and a variable already in the environment wins', () => {
    const file = path.join(dir, '.env')
    writeFileSync(file, '# a comment\nTOKENAUTH_TEST_FROM_FILE=from file\nTOKENAUTH_TEST_SET_BOTH="from file"\n')
    process.env.TOKENAUTH_TEST_SET_BOTH = 'from environment'

    expect(loadEnvFile(file)).toBe(file)
    expect(process.env.TOKENAUTH_TEST_FROM_FILE).toBe('from file')
    expect(process.env.TOKENAUTH_TEST_SET_BOTH).toBe('from environment')
  })

  it('does nothing when there is no file', () => {
    expect(loadEnvFile(path.join(dir, 'missing.env'))).toBeUndefined()
    expect(process.env.TOKENAUTH_TEST_FROM_FILE).toBeUndefined()
    rmSync(dir, { recursive: true, force: true })
  })
})
