#!/usr/bin/env node
import { loadConfig, ConfigError } from '../config/config.js'
import { loadEnvFile } from '../config/env-file.js'
import { runDbCommand } from './db-command.js'

/** `pnpm db backup <file>` / `pnpm db restore <file>`: the SQLite database under DATA_DIR. */
function main(): number {
  if (process.env.NODE_ENV !== 'test') loadEnvFile()
  const config = loadConfig()
  return runDbCommand(process.argv.slice(2), {
    dataDir: config.dataDir,
    databaseUrl: config.databaseUrl,
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  })
}

try {
  process.exit(main())
} catch (error: unknown) {
  process.stderr.write(error instanceof ConfigError ? `Configuration error: ${error.message}\n` : `${String(error)}\n`)
  process.exit(1)
}
