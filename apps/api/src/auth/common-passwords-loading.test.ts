import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

describe('the common-password list', () => {
  it('is loaded on first use, not when the server starts', () => {
    // A fresh process: a test worker may already hold the package from another file.
    const app = path.resolve(import.meta.dirname, '../app.ts')
    const list = path.resolve(import.meta.dirname, 'common-passwords.ts')
    const script = `
      const { createRequire } = await import('node:module')
      const loaded = () => Object.keys(createRequire(import.meta.url).cache).some((f) => f.includes('@zxcvbn-ts'))
      await import(${JSON.stringify(app)})
      const { isCommonPassword } = await import(${JSON.stringify(list)})
      const before = loaded()
      const found = isCommonPassword('Password123')
      console.log(JSON.stringify({ before, after: loaded(), found }))
    `
    const run = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: import.meta.dirname,
      encoding: 'utf8',
    })
    expect(run.stderr).toBe('')
    expect(JSON.parse(run.stdout)).toEqual({ before: false, after: true, found: true })
  }, 30_000)
})
