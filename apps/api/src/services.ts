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
import { createDummyHash, createPasswordHasher, type PasswordHasher } from './auth/passwords.js'

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
  readonly auditStore: AuditStore
  /** Verified against when a login names no user, so both cases take the same time. */
  readonly dummyPasswordHash: string
}

export async function createServices(config: Config, secrets: Secrets, clock: Clock): Promise<Services> {
  const db = openDatabase(config.dataDir)
  const auditStore = new AuditStore(db)
  return {
    config,
    secrets,
    clock,
    db,
    users: new UserStore(db),
    sessions: new SessionStore(db),
    notes: new NoteStore(db),
    accessTokens: createAccessTokenSigner(secrets.tokenKeys, config.accessTokenTtlSeconds, clock),
    setupTokens: new SetupTokens(db, secrets.tokenKeys, clock),
    passwords: createPasswordHasher(),
    audit: new AuditLog(auditStore, clock),
    auditStore,
    dummyPasswordHash: await createDummyHash(),
  }
}
