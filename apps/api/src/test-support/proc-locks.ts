import { readFileSync, statSync } from 'node:fs'

/**
 * How many POSIX locks process `pid` holds on `file`, from Linux's `/proc/locks` (one line
 * per lock: `id: POSIX ADVISORY READ|WRITE pid major:minor:inode start end`). SQLite's
 * unix VFS takes one per lock state it holds, so a live WAL-mode connection shows at least
 * one on the database file (its SHARED lock) and one on the -shm file.
 * @see https://man7.org/linux/man-pages/man5/proc_locks.5.html
 */
export function posixLocksHeld(file: string, pid: number): number {
  const inode = statSync(file).ino
  let held = 0
  for (const line of readFileSync('/proc/locks', 'utf8').split('\n')) {
    // `->` marks a request waiting for a lock, not one held.
    const [kind, , , owner, place] = line.replace(/^\d+:\s+/, '').trim().split(/\s+/)
    if (kind !== 'POSIX' || Number(owner) !== pid || place === undefined) continue
    if (Number(place.split(':')[2]) === inode) held++
  }
  return held
}
