import type { Config } from './config/config.js'
import type { Secrets } from './config/secrets.js'
import type { Clock } from './clock.js'
import { openEngine, type Engine } from './store/engine.js'
import { UserStore } from './store/user-store.js'
import { SessionStore } from './store/session-store.js'
import { cachedSessionFinder, LiveSessionCache } from './store/live-session-cache.js'
import { NO_CACHE, RedisSessionInvalidation } from './store/session-invalidation.js'
import { NoteStore } from './store/note-store.js'
import { AuditStore } from './store/audit-store.js'
import { AuditLog } from './auth/audit.js'
import { createAccessTokenSigner, type AccessTokenSigner } from './auth/access-tokens.js'
import { SetupTokens } from './auth/setup-tokens.js'
import { createCheckAccessToken, createVerifyAccessToken, TOUCH_INTERVAL_MS, type VerifyAccessToken } from './auth/verify-access-token.js'
import { createApplySessionFollowUp } from './auth/session-follow-up.js'
import { LoginThrottle } from './auth/login-throttle.js'
import { createDummyHash, createPasswordHasher, type PasswordHasher } from './auth/passwords.js'
import { createCounterStores, type CounterStores } from './store/counter-stores.js'
import type { DependencyCheck } from './deps/dependency-checks.js'
import { probeWritable } from './deps/data-dir-check.js'
import { noMetrics, type AppMetrics } from './metrics/app-metrics.js'
import { SecondFactors } from './second-factor/second-factors.js'
import { DataKeyRing } from './second-factor/data-keys.js'
import { PasskeyCeremonies } from './second-factor/passkey-ceremonies.js'

/**
 * Everything the routes use, built once per app and reached one way: `app.services`
 * (decorated in `app.ts`), as fastify/demo reaches its repositories.
 */
export interface Services {
  readonly config: Config
  readonly secrets: Secrets
  readonly clock: Clock
  /** The database (SQLite or PostgreSQL) the stores share. */
  readonly engine: Engine
  readonly users: UserStore
  readonly sessions: SessionStore
  readonly notes: NoteStore
  /** Authenticator apps, recovery codes and the second step of sign-in (secrets sealed with DATA_KEYS). */
  readonly secondFactors: SecondFactors
  /** WebAuthn options and verification for passkeys (the relying party from the config). */
  readonly passkeys: PasskeyCeremonies
  readonly accessTokens: AccessTokenSigner
  readonly setupTokens: SetupTokens
  readonly passwords: PasswordHasher
  readonly audit: AuditLog
  /** The plugin's `verifyToken`: the check (signature, then the session it names), then its follow-up. */
  readonly verifyAccessToken: VerifyAccessToken
  readonly auditStore: AuditStore
  /** Growing delays for failed sign-ins, per username and per IP (see `routes/auth/login.ts`). */
  readonly loginThrottle: LoginThrottle
  /** Verified against when a login names no user, so both cases take the same time. */
  readonly dummyPasswordHash: string
  /** Where the request limit and the sign-in throttle count (memory, SQLite or Redis). */
  readonly counters: CounterStores
  /** What the readiness probe pings. */
  readonly dependencies: readonly DependencyCheck[]
  /** What the server counts for Prometheus (`noMetrics` when metrics are off). */
  readonly metrics: AppMetrics
  /** Closes the database and any client connections. */
  close(): Promise<void>
}

export async function createServices(config: Config, secrets: Secrets, clock: Clock, metrics: AppMetrics = noMetrics): Promise<Services> {
  const engine = await openEngine({ dataDir: config.dataDir, databaseUrl: config.databaseUrl })
  const auditStore = new AuditStore(engine)
  // On PostgreSQL with Redis each instance answers the session check from memory, under a
  // lease; every write that ends or narrows a session waits for the others to drop it
  // (store/session-invalidation.ts). SQLite reads its own file on every request instead.
  const cache = engine.kind === 'postgres' && config.redisUrl !== undefined ? new LiveSessionCache() : undefined
  const invalidation = cache && config.redisUrl !== undefined ? await RedisSessionInvalidation.start(config.redisUrl, cache) : NO_CACHE
  const sessions = new SessionStore(engine, invalidation)
  const idleTimeoutMs = config.sessionIdleTimeoutSeconds * 1000
  const readSession = (handle: string) => sessions.findLiveView(handle)
  const accessTokens = createAccessTokenSigner(secrets.tokenKeys, config.accessTokenTtlSeconds, clock)
  const audit = new AuditLog(auditStore, clock, config.auditUnauthenticatedPerMinute, config.auditPerAccountPerMinute)
  const counters = await createCounterStores(config, clock).catch(async (error: unknown) => {
    await invalidation.close()
    await engine.close()
    throw error
  })
  const secondFactors = new SecondFactors(engine, new DataKeyRing(secrets.dataKeys), clock)
  return {
    config,
    secrets,
    clock,
    engine,
    users: new UserStore(engine),
    sessions,
    notes: new NoteStore(engine),
    secondFactors,
    passkeys: new PasskeyCeremonies(engine, clock, config.webauthn, secondFactors.passkeys),
    accessTokens,
    setupTokens: new SetupTokens(engine, secrets.tokenKeys, clock),
    passwords: createPasswordHasher(),
    audit,
    // The check reads; the follow-up (touch, end an expired session, audit) writes.
    verifyAccessToken: createVerifyAccessToken(
      createCheckAccessToken({
        signer: accessTokens,
        findSession: cache ? cachedSessionFinder(readSession, cache, clock, Math.min(TOUCH_INTERVAL_MS, idleTimeoutMs)) : readSession,
        clock,
        idleTimeoutMs,
        mfaRequired: config.mfaRequired,
      }),
      createApplySessionFollowUp(sessions, audit, metrics),
    ),
    auditStore,
    // A store of its own: request-limit keys (one per client address) must never push
    // sign-in failure counters out of a bounded store.
    loginThrottle: new LoginThrottle(counters.logins, clock, {
      failuresPerAccount: config.loginFailuresPerAccount,
      failuresPerIp: config.loginFailuresPerIp,
      maxDelayMs: config.loginMaxDelaySeconds * 1000,
      failureWindowMs: config.loginFailureWindowSeconds * 1000,
    }),
    dummyPasswordHash: await createDummyHash(),
    counters,
    dependencies: [...databaseChecks(engine, config.dataDir), ...counters.dependencies],
    metrics,
    async close() {
      await invalidation.close()
      await counters.close()
      await engine.close()
    },
  }
}

/** What readiness asks of the database: PostgreSQL answers; or the SQLite file reads and its folder takes a new file. */
function databaseChecks(engine: Engine, dataDir: string): DependencyCheck[] {
  if (engine.kind === 'postgres') return [{ name: 'postgres', ping: engine.ping }]
  return [
    { name: 'sqlite', ping: engine.ping },
    { name: 'data_dir', ping: () => probeWritable(dataDir) },
  ]
}
