import { existsSync } from 'node:fs'
import path from 'node:path'

/**
 * Loads `KEY=value` lines from `.env` in the working directory, when there is one, into
 * `process.env` with Node's own parser. A variable already set in the environment wins,
 * so a deployment can always override the file. Returns the file it read, if any.
 */
export function loadEnvFile(file: string = path.resolve('.env')): string | undefined {
  if (!existsSync(file)) return undefined
  process.loadEnvFile(file)
  return file
}
