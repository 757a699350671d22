#!/usr/bin/env node
import { loadConfig, ConfigError } from '../config/config.js'
import { loadEnvFile } from '../config/env-file.js'
import { openCliDatabase } from './cli-database.js'
import { promptHidden, readLineFromPipe } from './read-password.js'
import { runUsersCommand } from './users-command.js'
import { LiveSessionCache } from '../store/live-session-cache.js'
import { NO_CACHE, RedisSessionInvalidation } from '../store/session-invalidation.js'

/** `pnpm users …`: manage accounts in the database (DATABASE_URL, else the SQLite file under DATA_DIR). */
async function main(): Promise<number> {
  if (process.env.NODE_ENV !== 'test') loadEnvFile()
  const config = loadConfig()
  const engine = await openCliDatabase(config, (line) => process.stderr.write(`${line}\n`))
  const interactive = process.stdin.isTTY === true
  // The servers cache sessions only on PostgreSQL with Redis; a removal must reach them there.
  const invalidation =
    engine.kind === 'postgres' && config.redisUrl !== undefined && process.argv[2] === 'remove'
      ? await RedisSessionInvalidation.start(config.redisUrl, new LiveSessionCache(1))
      : NO_CACHE
  try {
    return await runUsersCommand(process.argv.slice(2), {
      engine,
      interactive,
      readPassword: (prompt) =>
        interactive ? promptHidden(prompt, process.stdin, process.stderr) : readLineFromPipe(process.stdin),
      out: (line) => process.stdout.write(`${line}\n`),
      err: (line) => process.stderr.write(`${line}\n`),
      now: Date.now,
      invalidateSessions: (target) => invalidation.invalidate(target),
    })
  } finally {
    await invalidation.close()
    await engine.close()
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(error instanceof ConfigError ? `Configuration error: ${error.message}\n` : `${String(error)}\n`)
    process.exit(1)
  },
)
