import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openDatabase } from './database.js'
import { MIGRATIONS } from './migrations.js'

const root = path.resolve(import.meta.dirname, '../../../..')
const dataDir = mkdtempSync(path.join(tmpdir(), 'tokenauth-migrate-race-'))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

/** Opens (and so migrates) the database in a process of its own; answers its exit code and stderr. */
function openInAnotherProcess(): Promise<{ code: number | null; stderr: string }> {
  const script = `import { openDatabase } from ${JSON.stringify(path.join(import.meta.dirname, 'database.ts'))}; openDatabase(${JSON.stringify(dataDir)}).close()`
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stderr })))
}

describe('migrations when several processes start on one new file at once', () => {
  it('one migrates, the others wait and apply nothing twice: all four open it', async () => {
    const results = await Promise.all(Array.from({ length: 4 }, openInAnotherProcess))
    for (const result of results) expect(result).toEqual({ code: 0, stderr: '' })
    const db = openDatabase(dataDir)
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length)
    db.close()
  }, 60_000)
})
