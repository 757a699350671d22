import type { Engine } from '../store/engine.js'
import { inWriteTransaction, NO_SESSION, type WriteTransaction } from '../store/write-transaction.js'

/** A test's own write to the database, as the users CLI makes one: for no session. */
export function asOperator<T>(engine: Engine, work: (tx: WriteTransaction) => Promise<T>): Promise<T> {
  return inWriteTransaction(engine, NO_SESSION, work)
}
