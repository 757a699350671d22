import type { Config } from './config/config.js'
import type { Secrets } from './config/secrets.js'
import type { Clock } from './clock.js'
import { openDatabase, type Db } from './store/database.js'
import { UserStore } from './store/user-store.js'
import { SessionStore } from './store/session-store.js'
import { NoteStore } from './store/note-store.js'
import { AuditStore } from './store/audit-store.js'
import { AuditLog } from './auth/audit.js'
import { createAccessTokenSigner, type AccessTokenSigner } from './auth/access-tokens.js'
import { SetupTokens } from './auth/setup-tokens.js'
import { createVerifyAccessToken, type VerifyAccessToken } from './auth/verify-access-token.js'
import { createDummyHash, createPasswordHasher, type PasswordHasher } from './auth/passwords.js'
import { createCounterStores, type CounterStores } from './store/counter-stores.js'
import type { DependencyCheck } from './deps/dependency-checks.js'

/** Everything the routes use, built once per app. */
export interface Services {
  readonly config: Config
  readonly secrets: Secrets
  readonly clock: Clock
  readonly db: Db
  readonly users: UserStore
  readonly sessions: SessionStore
  readonly notes: NoteStore
  readonly accessTokens: AccessTokenSigner
  readonly setupTokens: SetupTokens
  readonly passwords: PasswordHasher
  readonly audit: AuditLog
  /** The per-request token check: signature, then the session it names. */
  readonly verifyAccessToken: VerifyAccessToken
  readonly auditStore: AuditStore
  /** Verified against when a login names no user, so both cases take the same time. */
  readonly dummyPasswordHash: string
  /** Where the request limit and the sign-in throttle count (memory, SQLite or Redis). */
  readonly counters: CounterStores
  /** What the readiness probe pings. */
  readonly dependencies: readonly DependencyCheck[]
  /** Closes the database and any client connections. */
  close(): Promise<void>
}

export async function createServices(config: Config, secrets: Secrets, clock: Clock): Promise<Services> {
  const db = openDatabase(config.dataDir)
  const auditStore = new AuditStore(db)
  const sessions = new SessionStore(db)
  const accessTokens = createAccessTokenSigner(secrets.tokenKeys, config.accessTokenTtlSeconds, clock)
  const audit = new AuditLog(auditStore, clock, config.auditUnauthenticatedPerMinute)
  const counters = await createCounterStores(config, clock)
  return {
    config,
    secrets,
    clock,
    db,
    users: new UserStore(db),
    sessions,
    notes: new NoteStore(db),
    accessTokens,
    setupTokens: new SetupTokens(db, secrets.tokenKeys, clock),
    passwords: createPasswordHasher(),
    audit,
    verifyAccessToken: createVerifyAccessToken({
      signer: accessTokens,
      sessions,
      clock,
      idleTimeoutMs: config.sessionIdleTimeoutSeconds * 1000,
      audit,
    }),
    auditStore,
    dummyPasswordHash: await createDummyHash(),
    counters,
    dependencies: counters.dependencies,
    async close() {
      await counters.close()
      db.close()
    },
  }
}
