import { fstatSync, openSync, readSync, statSync } from 'node:fs'
import type { Db } from './database.js'

/** Says whether the database may have changed since it was last asked (each asker has its own). */
export type ChangeSignal = () => boolean

/** Makes change signals for one connection; `close` with the connection. */
export interface ChangeSignals {
  create(): ChangeSignal
  close(): void
}

/**
 * The WAL-index header: the first 96 bytes of the `-shm` file, two copies of a 48-byte
 * header whose change counter (`iChange`), last frame (`mxFrame`), page count and salts
 * every commit in WAL mode rewrites, whichever connection or process commits.
 * @see https://www.sqlite.org/walformat.html#the_wal_index_header
 */
const WAL_INDEX_HEADER_BYTES = 96

/**
 * The cheapest signal SQLite can give: one `pread` of the WAL-index header, compared with
 * the copy read last time. A commit by any connection (this one, another worker, another
 * instance on the same file, the CLI) rewrites the header before that commit returns, so
 * the next read after a revocation is answered sees it. Reading the file rather than
 * running a statement skips the statement's file locks (four `fcntl` calls) and its
 * virtual machine, on every verified request. Anything unexpected (no -shm file: not WAL mode, an
 * in-memory database) falls back to the counters signal below.
 */
export function sqliteChangeSignals(db: Db): ChangeSignals {
  const fd = db.memory ? undefined : shmDescriptor(`${db.name}-shm`)
  if (fd === undefined) return { create: () => countersChangeSignal(db), close: () => undefined }
  let closed = false
  return {
    create: () => walIndexChangeSignal(fd, () => closed),
    close: () => {
      closed = true
    },
  }
}

function walIndexChangeSignal(fd: number, isClosed: () => boolean): ChangeSignal {
  let last = Buffer.alloc(WAL_INDEX_HEADER_BYTES)
  let next = Buffer.alloc(WAL_INDEX_HEADER_BYTES)
  let known = false
  return () => {
    // A closed connection's -shm may be deleted and made anew by the next: say "changed", always.
    if (isClosed()) return true
    const read = readSync(fd, next, 0, WAL_INDEX_HEADER_BYTES, 0)
    // A short read (a header not written yet) is never taken for "unchanged".
    if (known && read === WAL_INDEX_HEADER_BYTES && next.equals(last)) return false
    ;[last, next] = [next, last]
    known = read === WAL_INDEX_HEADER_BYTES
    return true
  }
}

/** This thread's read-only descriptors on -shm files, by device and inode; never closed. */
const shmDescriptors = new Map<string, number>()

/**
 * A descriptor on the -shm file, which the connection has just opened: it is read only
 * while that connection is open, so the file is the one SQLite maps (nothing deletes a
 * -shm file while a connection holds it). It is never closed: POSIX locks belong to the
 * process, and a `close` would drop SQLite's locks on the -shm of every connection in it,
 * other worker threads' included, letting another process reset the shared memory under
 * them. Each thread keeps one per -shm file it ever read, reused by later connections.
 */
function shmDescriptor(file: string): number | undefined {
  try {
    const { dev, ino } = statSync(file)
    const known = shmDescriptors.get(`${dev}:${ino}`)
    if (known !== undefined) return known
    const fd = openSync(file, 'r')
    const opened = fstatSync(fd)
    shmDescriptors.set(`${opened.dev}:${opened.ino}`, fd)
    return fd
  } catch {
    return undefined
  }
}

/**
 * SQLite's own change counters, read in one statement: `data_version` moves whenever
 * another connection commits, and `total_changes()` whenever this one writes.
 * @see https://www.sqlite.org/pragma.html#pragma_data_version
 */
export function countersChangeSignal(db: Db): ChangeSignal {
  const counters = db.prepare<[], [number, number]>('SELECT total_changes(), data_version FROM pragma_data_version').raw()
  let ownWrites = -1
  let otherCommits = -1
  return () => {
    const [own, others] = counters.get() ?? [-1, -1]
    if (own === ownWrites && others === otherCommits) return false
    ownWrites = own
    otherCommits = others
    return true
  }
}
