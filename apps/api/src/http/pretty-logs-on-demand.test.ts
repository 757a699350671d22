import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { send, startServerProcess } from '../test-support/server-process.js'

/**
 * pino-pretty is for a person at a terminal (`LOG_FORMAT=pretty`, what `pnpm dev` sets):
 * the real server, started with pino-pretty made impossible to resolve, shows that a
 * JSON-logging start never loads it.
 */
const hidePinoPretty = ['--import', path.join(import.meta.dirname, '../test-support/hide-pino-pretty.ts')]
const dirs: string[] = []
const dataDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tokenauth-pretty-'))
  dirs.push(dir)
  return dir
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

describe('pino-pretty', { timeout: 60_000 }, () => {
  it('is not loaded by a start with JSON logs: the server starts and answers without it', async () => {
    const server = await startServerProcess({ DATA_DIR: dataDir(), LOG_FORMAT: 'json', LOG_LEVEL: 'info' }, hidePinoPretty)
    try {
      expect((await send(server.base, 'GET', '/api/health')).status).toBe(200)
      expect(server.stdout()).toMatch(/^\{.*"msg":"Server listening at/m)
    } finally {
      expect(await server.stop()).toBe(0)
    }
  })

  it('is loaded for LOG_FORMAT=pretty (so hiding it does keep a start that needs it from starting)', async () => {
    await expect(startServerProcess({ DATA_DIR: dataDir(), LOG_FORMAT: 'pretty' }, hidePinoPretty)).rejects.toThrow(/server exited with 1/)
  })
})
