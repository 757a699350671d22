import { Kysely, PostgresDialect, SqliteDialect } from 'kysely'
import type pg from 'pg'
import { openDatabase, DATABASE_FILE, type Db } from './database.js'
import { migratePostgres } from './postgres-migrations.js'
import { createPgPool, failClosedPool } from './postgres-pool.js'
import type { Tables } from './tables.js'
import path from 'node:path'

interface EngineBase {
  readonly db: Kysely<Tables>
  /** Which database this is, for logs and the CLI: the file, or the URL with its password masked. */
  readonly description: string
  /** Resolves when the database answers a trivial query (the readiness probe). */
  ping(): Promise<unknown>
  close(): Promise<void>
}

/** The embedded default: one SQLite file under DATA_DIR, reached synchronously too. */
export interface SqliteEngine extends EngineBase {
  readonly kind: 'sqlite'
  /** The same connection Kysely uses, for the synchronous hot path. */
  readonly sqlite: Db
}

export interface PostgresEngine extends EngineBase {
  readonly kind: 'postgres'
  readonly pool: pg.Pool
}

export type Engine = SqliteEngine | PostgresEngine

export interface EngineOptions {
  readonly dataDir: string
  /** `postgres://…`/`postgresql://…`, or undefined for SQLite (checked by config.ts). */
  readonly databaseUrl: string | undefined
}

/** Opens the configured database and brings its schema up to date (under a lock on either engine). */
export async function openEngine(options: EngineOptions): Promise<Engine> {
  return options.databaseUrl ? openPostgres(options.databaseUrl) : openSqlite(options.dataDir)
}

export function openSqlite(dataDir: string): SqliteEngine {
  const sqlite = openDatabase(dataDir)
  const db = new Kysely<Tables>({ dialect: new SqliteDialect({ database: sqlite }) })
  return {
    kind: 'sqlite',
    db,
    sqlite,
    description: path.join(dataDir, DATABASE_FILE),
    // A read of the database itself (its schema page), not only of the connection.
    ping: async () => sqlite.prepare('SELECT count(*) FROM sqlite_schema').get(),
    close: async () => {
      await db.destroy()
    },
  }
}

export async function openPostgres(url: string): Promise<PostgresEngine> {
  const pool = createPgPool(url)
  try {
    await migratePostgres(pool)
  } catch (error) {
    await pool.end()
    throw error
  }
  const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool: failClosedPool(pool) }) })
  return {
    kind: 'postgres',
    db,
    pool,
    description: maskPassword(url),
    ping: () => pool.query('SELECT 1'),
    close: () => db.destroy(),
  }
}

/** The URL with any password replaced by `***`, safe to print and log. */
export function maskPassword(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString()
  } catch {
    return '(unparseable DATABASE_URL)'
  }
}
