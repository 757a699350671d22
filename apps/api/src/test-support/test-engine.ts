import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { openEngine, type Engine } from '../store/engine.js'
import { createTestPostgresDatabase } from './postgres-database.js'

export type EngineKind = Engine['kind']

/** Both engines, for `describe.each(ENGINES)`. */
export const ENGINES: readonly EngineKind[] = ['sqlite', 'postgres']

/** A fresh database of `kind` (a temporary SQLite folder, or a new PostgreSQL database) and how to remove it. */
export async function openTestEngine(kind: EngineKind): Promise<{ engine: Engine; dispose(): Promise<void> }> {
  if (kind === 'sqlite') {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'tokenauth-store-'))
    const engine = await openEngine({ dataDir, databaseUrl: undefined })
    return {
      engine,
      async dispose() {
        await engine.close()
        rmSync(dataDir, { recursive: true, force: true })
      },
    }
  }
  const database = await createTestPostgresDatabase()
  const engine = await openEngine({ dataDir: '/nonexistent', databaseUrl: database.url })
  return {
    engine,
    async dispose() {
      await engine.close()
      await database.drop()
    },
  }
}
