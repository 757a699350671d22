import { isMainThread, workerData } from 'node:worker_threads'
import { createCounterTable } from './shared-counter-table.js'

/** The two limits' tables, which the main thread of `WORKERS=N` makes and every worker thread maps. */
export interface SharedCounterTables {
  readonly requests: SharedArrayBuffer
  readonly logins: SharedArrayBuffer
}

/**
 * Sizes: one request counter per client address (an IPv6 address at most 45 characters
 * after the `rate::` prefix) and 65,536 of them (6 MB); sign-in counters name a username
 * (64 characters at most, plus a prefix) and are fewer. Keys beyond a table's room are
 * still counted exactly, in the overflow store (see SharedRateLimitStore).
 */
const REQUEST_TABLE = { buckets: 8192, keyBytes: 64 }
const LOGIN_TABLE = { buckets: 2048, keyBytes: 128 }

export function createSharedCounterTables(): SharedCounterTables {
  return { requests: createCounterTable(REQUEST_TABLE), logins: createCounterTable(LOGIN_TABLE) }
}

/** The tables this thread was started with, when it is one of `WORKERS=N`'s threads. */
export function threadCounterTables(): SharedCounterTables | undefined {
  if (isMainThread) return undefined
  const tables = (workerData as { counterTables?: SharedCounterTables } | null)?.counterTables
  return tables?.requests instanceof SharedArrayBuffer && tables.logins instanceof SharedArrayBuffer ? tables : undefined
}
