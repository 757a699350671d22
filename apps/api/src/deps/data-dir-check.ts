import { randomBytes } from 'node:crypto'
import { unlink, writeFile } from 'node:fs/promises'
import path from 'node:path'

/**
 * Whether `DATA_DIR` takes a new file: creates a probe file of its own and removes it.
 * The database files are never opened here: closing any descriptor of a SQLite file
 * drops the process's POSIX locks on it, which SQLite relies on.
 */
export async function probeWritable(dataDir: string): Promise<void> {
  const probe = path.join(dataDir, `.ready-probe-${process.pid}-${randomBytes(6).toString('hex')}`)
  await writeFile(probe, '', { flag: 'wx', mode: 0o600 })
  await unlink(probe)
}
