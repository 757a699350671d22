import { backupSqlite, BackupError } from '../store/sqlite-backup.js'
import { restoreSqlite } from '../store/sqlite-restore.js'

export interface DbCommandIo {
  readonly dataDir: string
  readonly databaseUrl: string | undefined
  readonly out: (line: string) => void
  readonly err: (line: string) => void
}

const USAGE = 'usage: pnpm db backup <file> | pnpm db restore <file>'

/** `pnpm db backup|restore <file>` for the SQLite database under DATA_DIR; answers the exit code. */
export function runDbCommand(args: readonly string[], io: DbCommandIo): number {
  const [command, file, ...rest] = args
  if ((command !== 'backup' && command !== 'restore') || file === undefined || rest.length > 0) {
    io.err(USAGE)
    return 2
  }
  if (io.databaseUrl !== undefined) {
    io.err('DATABASE_URL is set: back PostgreSQL up with pg_dump (docs/operations.md, "Backups")')
    return 2
  }
  try {
    if (command === 'backup') {
      backupSqlite(io.dataDir, file)
      io.out(`Backed up ${io.dataDir} to ${file}`)
    } else {
      restoreSqlite(io.dataDir, file)
      io.out(`Restored ${file} into ${io.dataDir}`)
    }
    return 0
  } catch (error) {
    if (!(error instanceof BackupError)) throw error
    io.err(`${command} refused: ${error.message}`)
    return 1
  }
}
