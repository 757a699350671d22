import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { productionSecrets } from '../test-support/production-secrets.js'

const root = path.resolve(import.meta.dirname, '../../../..')
const dataDir = mkdtempSync(path.join(tmpdir(), 'tokenauth-refused-'))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

/** Starts the real server in production with one setting changed; it must not get as far as listening. */
function startWith(change: Record<string, string>): { status: number | null; stderr: string } {
  const result = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', 'apps/api/src/server.ts'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: '0',
      DATA_DIR: dataDir,
      PUBLIC_URL: 'https://auth.example.com',
      ...productionSecrets(),
      ...change,
    },
  })
  return { status: result.status, stderr: result.stderr }
}

describe('production refuses to start on settings that trust everyone, in one line naming the variable', () => {
  it.each([
    ['TRUST_PROXY=0.0.0.0/0', { TRUST_PROXY: '0.0.0.0/0' }, /^Configuration error: TRUST_PROXY "0\.0\.0\.0\/0"/],
    ['TRUST_PROXY=99', { TRUST_PROXY: '99' }, /^Configuration error: TRUST_PROXY as a number/],
    ['SESSION_SECRET of 32 × a', { SESSION_SECRET: 'a'.repeat(32) }, /^Configuration error: SESSION_SECRET looks like a placeholder/],
    ['an all-zero TOKEN_KEYS secret', { TOKEN_KEYS: `k1:${Buffer.alloc(32).toString('base64url')}` }, /^Configuration error: TOKEN_KEYS looks like a placeholder/],
  ])('%s', (_name, change, message) => {
    const { status, stderr } = startWith(change)
    expect(status).not.toBe(0)
    expect(stderr).toMatch(message)
    expect(stderr.trim().split('\n')).toHaveLength(1)
  })
})
