import { existsSync } from 'node:fs'
import path from 'node:path'
import { DATABASE_FILE, openDatabase, type Db } from '../store/database.js'

/**
 * Opens the database a CLI command works on and says which one on standard error, so
 * nobody edits users in `./data` while their server runs on another DATA_DIR. A database
 * the command had to create is called out plainly: adding users before the first start
 * is fine, but an unexpected new file usually means the wrong DATA_DIR.
 */
export function openCliDatabase(dataDir: string, say: (line: string) => void): Db {
  const file = path.join(dataDir, DATABASE_FILE)
  const existed = existsSync(file)
  const db = openDatabase(dataDir)
  if (existed) {
    say(`Database: ${file}`)
  } else {
    say(`Created a new, empty database: ${file}`)
    say(`  (no server has used this folder yet; run the server with DATA_DIR=${dataDir} to use it)`)
  }
  return db
}
