import { randomBytes } from 'node:crypto'
import pg from 'pg'

/** The machine's PostgreSQL (trust auth, user postgres); TEST_POSTGRES_URL overrides it. */
export const TEST_POSTGRES_SERVER = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

/** A fresh, uniquely named database a test file owns: created now, dropped by `drop()`. */
export interface TestPostgresDatabase {
  readonly name: string
  /** A DATABASE_URL naming it. */
  readonly url: string
  /** Ends every connection to it still open (pg_terminate_backend), then drops it. */
  drop(): Promise<void>
}

/** Creates an empty database named `tokenauth_test_<random>` on the test server. */
export async function createTestPostgresDatabase(): Promise<TestPostgresDatabase> {
  const name = `tokenauth_test_${randomBytes(6).toString('hex')}`
  await onServer((client) => client.query(`CREATE DATABASE ${name}`))
  const url = new URL(TEST_POSTGRES_SERVER)
  url.pathname = `/${name}`
  return {
    name,
    url: url.toString(),
    drop: () =>
      onServer(async (client) => {
        await terminateConnections(client, name)
        await client.query(`DROP DATABASE IF EXISTS ${name}`)
      }),
  }
}

/** Ends every backend connected to database `name` (as an outage or a failover would); returns how many. */
export async function terminateAllConnections(name: string): Promise<number> {
  return onServer((client) => terminateConnections(client, name))
}

async function terminateConnections(client: pg.Client, name: string): Promise<number> {
  const { rows } = await client.query<{ ended: boolean }>(
    'SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
    [name],
  )
  return rows.filter((row) => row.ended).length
}

async function onServer<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_SERVER })
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}
