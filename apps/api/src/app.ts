import { isMainThread } from 'node:worker_threads'
import Fastify, { type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify'
import fastifyCookie from '@fastify/cookie'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import restrictedSession from './plugins/restricted-session.js'
import tokenAuth from '@tokenauth/fastify-token-auth'
import { API_PREFIX, REQUEST_ID_HEADER, TOKEN_HEADER, TOKEN_MAX_LENGTH, TOKEN_SCHEME } from '@tokenauth/shared'
import { metricsEnabled, type Config } from './config/config.js'
import { loadSecrets, type Secrets } from './config/secrets.js'
import { systemClock, type Clock } from './clock.js'
import { createServices, type Services } from './services.js'
import errorShape, { notFoundHandler } from './plugins/error-shape.js'
import connectionRules from './plugins/connection-rules.js'
import idleEndHeader from './plugins/idle-end-header.js'
import retryAfter from './plugins/retry-after.js'
import securityHeaders from './plugins/security-headers.js'
import cors from './plugins/cors.js'
import rateLimits from './plugins/rate-limits.js'
import loadShedding from './plugins/load-shedding.js'
import { HashSlots, limitHashConcurrency } from './auth/hash-concurrency.js'
import { stepUpJudge } from './auth/step-up-rule.js'
import { errorBody } from './http/api-error.js'
import { loggerOptions } from './http/logger-options.js'
import { baselineSecurityHeaders } from './http/baseline-headers.js'
import { createClientErrorHandler } from './http/client-errors.js'
import { normalizePath } from './http/normalize-path.js'
import requestId, { createRequestIdGenerator } from './http/request-id.js'
import { compileEachResponseSchemaOnce } from './http/serializer-cache.js'
import staticSpa from './plugins/static-spa.js'
import openapi from './plugins/openapi.js'
import apiDocs, { apiDocsRule } from './plugins/api-docs.js'
import type { App } from './http/app-instance.js'
import { PrometheusMetrics, noMetrics, type AppMetrics } from './metrics/app-metrics.js'
import httpMetrics from './metrics/http-metrics.js'
import metricsRoute from './metrics/metrics-route.js'
import { countStoreErrors } from './metrics/store-errors.js'
import { scrapeThroughMainThread } from './metrics/thread-metrics.js'
import cookieSessionRoutes from './routes/auth/index.js'
import healthRoutes from './routes/health.js'
import meRoutes from './routes/me.js'
import mySignInRoutes from './routes/my-sign-ins.js'
import myPermissionRoutes from './routes/my-permissions.js'
import { collectPermissions } from './auth/permissions.js'
import noteRoutes from './routes/notes.js'
import userRoutes from './routes/users.js'
import sessionItemRoutes from './routes/session-items.js'
import cookieRoutes from './routes/cookies.js'
import sessionRoutes from './routes/sessions.js'
import accountRoutes from './routes/account.js'
import auditRoutes from './routes/audit.js'
import secondFactorRoutes from './routes/second-factors.js'
import passkeyRoutes from './routes/passkeys.js'
import stepUpRoutes from './routes/auth/step-up.js'

/** The API's version in its OpenAPI document. */
const API_VERSION = '0.1.0'

/** Request bodies are small JSON documents; anything larger is refused with 413. */
export const BODY_LIMIT_BYTES = 32 * 1024

export interface BuildOptions {
  /** Injected in tests to move time without waiting. */
  readonly clock?: Clock
  /** Defaults to `loadSecrets(config)`. */
  readonly secrets?: Secrets
  /** Where the log goes; standard output by default. */
  readonly logStream?: NodeJS.WritableStream
}

declare module 'fastify' {
  interface FastifyInstance {
    services: Services
  }
}

/** Builds the whole server without listening; tests drive it with `app.inject`. */
export async function buildApp(config: Config, options: BuildOptions = {}): Promise<App> {
  const clock = options.clock ?? systemClock
  // Every hash and verify, wherever a route calls it, waits for one of a few slots (503 past the queue).
  const hashSlots = new HashSlots(config.maxConcurrentHashes, config.maxQueuedHashes, (seconds) => metrics.hashWaited(seconds))
  // Read at scrape time only, when everything below exists.
  const metrics: AppMetrics = metricsEnabled(config)
    ? new PrometheusMetrics(
        {
          liveSessions: () => created.sessions.countLive(clock(), config.sessionIdleTimeoutSeconds * 1000),
          hashLoad: () => hashSlots.load,
          load: () => app.memoryUsage(),
        },
        { processMetrics: isMainThread },
      )
    : noMetrics
  const created = await createServices(config, options.secrets ?? loadSecrets(config), clock, metrics)
  const services: Services = { ...created, passwords: limitHashConcurrency(created.passwords, hashSlots) }
  const earlyHeaders = baselineSecurityHeaders(config.env === 'production')
  const requestTimeoutMs = config.requestTimeoutSeconds * 1000
  const app: App = Fastify({
    logger: loggerOptions(config, options.logStream ?? 1),
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: trustProxyOption(config.trustProxy),
    genReqId: createRequestIdGenerator(config.trustProxy),
    return503OnClosing: true,
    // A body that trickles in (or never comes) must not hold a socket for long: 408, then closed.
    requestTimeout: requestTimeoutMs,
    connectionTimeout: config.connectionTimeoutSeconds * 1000,
    keepAliveTimeout: config.keepAliveTimeoutSeconds * 1000,
    http: {
      // Node enforces requestTimeout only with headersTimeout no longer than it, and checks
      // both every connectionsCheckingInterval (30 s by default, too coarse for a 30 s limit).
      requestTimeout: requestTimeoutMs,
      headersTimeout: requestTimeoutMs,
      connectionsCheckingInterval: Math.min(5000, Math.max(250, requestTimeoutMs / 4)),
      // plugins/connection-rules.ts refuses a missing Host in the error shape; Node's own 400 is bare.
      requireHostHeader: false,
    },
    clientErrorHandler: createClientErrorHandler(earlyHeaders),
    rewriteUrl: (request) => normalizePath(request.url ?? '/'),
    // Errors Fastify raises before routing (a bad URL encoding, say) get the one shape and
    // the security headers too: no hook has run for them.
    frameworkErrors: (error, request, reply: FastifyReply) => {
      const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 400
      void reply
        .code(status)
        .headers(earlyHeaders)
        .header(REQUEST_ID_HEADER, request.id)
        .send(errorBody(status === 413 ? 'payload_too_large' : 'bad_request', error.message))
    },
    schemaController: { compilersFactory: { buildSerializer: compileEachResponseSchemaOnce() } },
    // Validation must reject what does not fit the contract, not quietly repair it.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false } },
  }).withTypeProvider<TypeBoxTypeProvider>()

  app.decorate('services', services)
  app.addHook('onClose', async () => services.close())
  // Only JSON bodies are part of the contract; text/plain would otherwise be accepted.
  app.removeContentTypeParser('text/plain')

  // First: every answer, whatever refuses it later, carries its request id.
  await app.register(requestId)
  await app.register(errorShape, { metrics })
  await app.register(connectionRules, { maxRequestsPerSocket: config.maxRequestsPerSocket, headers: earlyHeaders })
  if (metrics instanceof PrometheusMetrics) await app.register(httpMetrics, { tally: metrics.tally })
  await app.register(retryAfter)
  await app.register(idleEndHeader, { clock: services.clock })
  // These four run their onRequest hooks before token-auth's, in this order: every answer
  // (refusals too) gets the security and CORS headers, and an overload or a flood is
  // refused before any token is verified.
  await app.register(securityHeaders, { production: config.env === 'production' })
  await app.register(cors, { origins: config.corsOrigins })
  await app.register(loadShedding, { maxEventLoopDelayMs: config.overloadEventLoopDelayMs, maxHeapUsedBytes: config.overloadHeapUsedBytes })
  await app.register(rateLimits)
  app.setNotFoundHandler(notFoundHandler)
  // The plugin's own words for its refusals are the API's (http/error-messages.ts); the header names come from the contract.
  await app.register(tokenAuth, {
    realm: 'tokenauth',
    tokenHeader: TOKEN_HEADER,
    scheme: TOKEN_SCHEME,
    maxTokenLength: TOKEN_MAX_LENGTH,
    verifyToken: metrics.enabled ? countStoreErrors(services.verifyAccessToken, metrics) : services.verifyAccessToken,
    ruleForUndeclared: apiDocsRule,
    stepUp: stepUpJudge(services.clock),
    ...(metrics.enabled ? { onFailure: (_request: FastifyRequest, code: string) => metrics.authRefused(code) } : {}),
  })
  await app.register(restrictedSession)
  // After the token plugin: its onRoute hook compiles each rule before this one reads it.
  const permissions = collectPermissions(app)

  await app.register(openapi, { version: API_VERSION })
  if (config.apiDocs) await app.register(apiDocs, { production: config.env === 'production' })
  await app.register(
    async (api: App) => {
      await api.register(healthRoutes)
      if (metrics instanceof PrometheusMetrics && config.metricsToken !== undefined && config.metricsPort === undefined) {
        await api.register(metricsRoute, { token: config.metricsToken, scrape: isMainThread ? () => metrics.text() : scrapeThroughMainThread() })
      }
      // Only the routes that read or set a cookie parse them: @fastify/cookie's two hooks
      // (parse on request, write on send) stay off every token-authenticated request.
      await api.register(async (withCookies: App) => {
        await withCookies.register(fastifyCookie, { secret: [...services.secrets.sessionSecrets] })
        await withCookies.register(cookieSessionRoutes)
        await withCookies.register(cookieRoutes)
      })
      await api.register(meRoutes)
      await api.register(mySignInRoutes)
      await api.register(myPermissionRoutes, { permissions })
      await api.register(noteRoutes)
      await api.register(userRoutes)
      await api.register(sessionItemRoutes)
      await api.register(sessionRoutes)
      await api.register(accountRoutes)
      await api.register(auditRoutes)
      await api.register(secondFactorRoutes)
      await api.register(passkeyRoutes)
      await api.register(stepUpRoutes)
    },
    { prefix: API_PREFIX },
  )
  await app.register(staticSpa, { root: config.webDistDir })
  return app
}

/** A hop count becomes "trust the nearest N hops" (what Fastify does with a number, which its types omit). */
function trustProxyOption(value: Config['trustProxy']): FastifyServerOptions['trustProxy'] {
  return typeof value === 'number' ? (_address: string, hop: number) => hop < value : value
}
