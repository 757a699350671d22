import { existsSync } from 'node:fs'
import path from 'node:path'
import { DATABASE_FILE } from '../store/database.js'
import { openEngine, type Engine } from '../store/engine.js'

/**
 * Opens the database a CLI command works on and says which one on standard error, so
 * nobody edits users in `./data` while their server runs on another DATA_DIR (or another
 * DATABASE_URL, printed with its password masked). A SQLite file the command had to
 * create is called out plainly: adding users before the first start is fine, but an
 * unexpected new file usually means the wrong DATA_DIR.
 */
export async function openCliDatabase(
  options: { dataDir: string; databaseUrl: string | undefined },
  say: (line: string) => void,
): Promise<Engine> {
  if (options.databaseUrl) {
    const engine = await openEngine(options)
    say(`Database: ${engine.description} (PostgreSQL, from DATABASE_URL)`)
    return engine
  }
  const file = path.join(options.dataDir, DATABASE_FILE)
  const existed = existsSync(file)
  const engine = await openEngine(options)
  if (existed) {
    say(`Database: ${file}`)
  } else {
    say(`Created a new, empty database: ${file}`)
    say(`  (no server has used this folder yet; run the server with DATA_DIR=${options.dataDir} to use it)`)
  }
  return engine
}
