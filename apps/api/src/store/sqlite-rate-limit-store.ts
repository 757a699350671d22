import { chmodSync, existsSync, mkdirSync } from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { ownerOnly } from './database.js'
import type { Clock } from '../clock.js'
import type { RateCounter, RateLimitStore, RateWindow } from './rate-limit-store.js'

/** The counters' own file under `DATA_DIR`: never the data's, so a request never waits on a data write. */
export const COUNTERS_FILE = 'counters.sqlite'

/** Expired counters are deleted every this many hits (one indexed DELETE). */
const PRUNE_EVERY_HITS = 10_000

/**
 * Counters in a SQLite file that every worker process on the machine opens: what keeps
 * the limits whole under `WORKERS>1` without Redis (each worker counting alone would
 * give N times the tries). One UPSERT … RETURNING per hit, so two workers hitting one key
 * each see their own count. Counters are not precious (a crash forgets at most the
 * latest hits), so the file trades durability for speed: `synchronous = OFF`.
 */
export class SqliteRateLimitStore implements RateLimitStore {
  readonly #db: Database.Database
  readonly #increment
  readonly #get
  readonly #delete
  readonly #decrement
  readonly #prune
  readonly #prefix: string
  readonly #clock: Clock
  #hits = 0

  constructor(dataDir: string, prefix: string, clock: Clock) {
    // Its keys name usernames and client addresses: owner-only, like the data.
    mkdirSync(dataDir, { recursive: true, mode: 0o700 })
    const file = path.join(dataDir, COUNTERS_FILE)
    ownerOnly(file)
    this.#db = new Database(file)
    this.#db.pragma('journal_mode = WAL')
    for (const suffix of ['-wal', '-shm']) if (existsSync(file + suffix)) chmodSync(file + suffix, 0o600)
    this.#db.pragma('synchronous = OFF')
    this.#db.pragma('busy_timeout = 2000')
    this.#db.exec(`CREATE TABLE IF NOT EXISTS counters (
      key        TEXT    PRIMARY KEY,
      count      INTEGER NOT NULL,
      last_hit   INTEGER NOT NULL,
      expires_at INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS counters_expires_at ON counters(expires_at);`)
    // In an UPSERT's SET every column names the row's old value; `excluded` is the new hit.
    this.#increment = this.#db.prepare<[{ key: string; now: number; window: number; sliding: 0 | 1 }], { count: number; last_hit: number; expires_at: number }>(
      `INSERT INTO counters (key, count, last_hit, expires_at) VALUES (@key, 1, @now, @now + @window)
       ON CONFLICT (key) DO UPDATE SET
         count      = CASE WHEN expires_at <= excluded.last_hit THEN 1 ELSE count + 1 END,
         expires_at = CASE WHEN expires_at <= excluded.last_hit OR @sliding = 1 THEN excluded.expires_at ELSE expires_at END,
         last_hit   = excluded.last_hit
       RETURNING count, last_hit, expires_at`,
    )
    this.#get = this.#db.prepare<[string, number], { count: number; last_hit: number; expires_at: number }>(
      'SELECT count, last_hit, expires_at FROM counters WHERE key = ? AND expires_at > ?',
    )
    this.#delete = this.#db.prepare<[string]>('DELETE FROM counters WHERE key = ?')
    const decrement = this.#db.prepare<[string]>('UPDATE counters SET count = count - 1 WHERE key = ?')
    const dropEmpty = this.#db.prepare<[string]>('DELETE FROM counters WHERE key = ? AND count <= 0')
    this.#decrement = this.#db.transaction((key: string) => {
      decrement.run(key)
      dropEmpty.run(key)
    })
    this.#prune = this.#db.prepare<[number]>('DELETE FROM counters WHERE expires_at <= ?')
    this.#prefix = prefix
    this.#clock = clock
  }

  async increment(key: string, windowMs: number, window: RateWindow): Promise<RateCounter> {
    return this.incrementNow(key, windowMs, window)
  }

  incrementNow(key: string, windowMs: number, window: RateWindow): RateCounter {
    const now = this.#clock()
    if (++this.#hits % PRUNE_EVERY_HITS === 0) this.#prune.run(now)
    const row = this.#increment.get({ key: this.#prefix + key, now, window: windowMs, sliding: window === 'sliding' ? 1 : 0 })
    if (!row) throw new Error('UPSERT … RETURNING returned no row')
    return { count: row.count, lastHitAt: row.last_hit, expiresAt: row.expires_at }
  }

  async get(key: string): Promise<RateCounter | undefined> {
    return this.getNow(key)
  }

  async delete(key: string): Promise<void> {
    this.deleteNow(key)
  }

  async decrement(key: string): Promise<void> {
    this.decrementNow(key)
  }

  /** `get` answered at once (for SharedRateLimitStore's overflow, called under a lock). */
  getNow(key: string): RateCounter | undefined {
    const row = this.#get.get(this.#prefix + key, this.#clock())
    return row && { count: row.count, lastHitAt: row.last_hit, expiresAt: row.expires_at }
  }

  deleteNow(key: string): void {
    this.#delete.run(this.#prefix + key)
  }

  decrementNow(key: string): void {
    this.#decrement.immediate(this.#prefix + key)
  }

  close(): void {
    this.#db.close()
  }
}
