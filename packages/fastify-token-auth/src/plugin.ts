import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction, RouteOptions } from 'fastify'
import type { TokenAuthFailureCode as FailureCode, TokenFailureReason } from './messages.js'
import { buildRefusals, sendRefusal, stepUpRefusal, type Refusal } from './challenge.js'
import { TOKEN_ABSENT, TOKEN_CONFLICT, TOKEN_REPEATED, createTokenExtractor, type TokenProblem } from './extract-token.js'
import { resolveOptions } from './options.js'
import { AuthRuleError, RULE_OPTIONAL, RULE_PUBLIC, RULE_ROLES, compileRule, rolesSatisfy, type AuthRule, type CompiledRule, type CompiledStepUp } from './rules.js'
import { kPrincipalProperty, type WithPrincipalProperty } from './current-user.js'
import type { TokenAuthDecoratorName, TokenAuthOptions, TokenAuthPrincipal } from './types.js'

/**
 * `request.user` (or the `decoratorName` an app declared in `TokenAuthDecorator`): who sent
 * the request, the principal `verifyToken` returned. `null` on `public` routes and on
 * `optional` routes called without a token.
 */
export type TokenAuthRequestDecorator = { [Name in TokenAuthDecoratorName]: TokenAuthPrincipal | null }

declare module 'fastify' {
  interface FastifyRequest extends TokenAuthRequestDecorator {
    /**
     * Checks the request's token now, whatever the route's rule, and sets `request.user`
     * when it is good: for a route that accepts a token *or* something else (a session
     * cookie), in the spirit of @fastify/jwt's `request.jwtVerify()`. Never sends a reply;
     * a missing token is `{ ok: false, code: 'missing_token' }`.
     */
    checkToken(): Promise<TokenCheck>
  }
  interface FastifyReply {
    /** Sends the plugin's own refusal for `code` (status, challenge, body), as the hook would. */
    refuseToken(code: FailureCode, detail?: string): FastifyReply
  }
  interface FastifyContextConfig {
    /** Who may call the route. Every route needs one: see `AuthRule`. */
    auth?: AuthRule
  }
}

/** What `request.checkToken()` finds. */
export type TokenCheck =
  | { readonly ok: true; readonly principal: TokenAuthPrincipal }
  | { readonly ok: false; readonly code: FailureCode; readonly detail?: string }

/** Where `onRoute` leaves the compiled rule: on the route's own config, so the lookup is one property read. */
const kCompiledRule = Symbol('tokenauth.compiledRule')
interface WithCompiledRule {
  readonly [kCompiledRule]?: RouteRule
}

/** A compiled rule with its step-up refusal (`max_age`, `acr_values`) ready to send. */
interface RouteRule extends CompiledRule {
  readonly stepUpRefusal?: Refusal
}

/** The token `onRequest` accepted, kept on the request for the check after the body. */
const kAcceptedToken = Symbol('tokenauth.acceptedToken')
interface WithAcceptedToken {
  [kAcceptedToken]?: string
}

/**
 * Methods that change nothing. Any other method is checked a second time once its body
 * has arrived: a body may come minutes after the headers, and a session revoked in
 * between must not act (a disabled admin, a signed-out device).
 */
const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS'])

/** `verifyToken` may answer only these codes; anything else is reported as `invalid_token`. */
const AUTH_FAILURE_CODES: Readonly<Record<TokenFailureReason, true>> = {
  missing_token: true,
  malformed_token: true,
  invalid_token: true,
  expired_token: true,
  revoked_token: true,
}

/**
 * Token authentication with rules declared on each route, fail-closed: flask-httpauth's
 * `HTTPTokenAuth` for Fastify. Register it before any route (see the README).
 * @see https://fastify.dev/docs/latest/Reference/Hooks/#onroute
 */
async function tokenAuthPlugin(fastify: FastifyInstance, options: TokenAuthOptions): Promise<void> {
  const { verifyToken, onFailure, ruleForUndeclared, decoratorName, stepUp, ...settings } = resolveOptions(options)
  const extractToken = createTokenExtractor(settings)
  const refusals = buildRefusals(settings.scheme, settings.realm, settings.messages)

  fastify.decorateRequest(decoratorName, null)
  fastify.decorateRequest(kPrincipalProperty, decoratorName)
  fastify.decorateRequest(kAcceptedToken, undefined)
  fastify.decorateRequest('checkToken', function (this: FastifyRequest) {
    return checkToken(this)
  })
  fastify.decorateReply('refuseToken', function (this: FastifyReply, code: FailureCode, detail?: string) {
    refuse(this.request, this, code, detail)
    return this
  })

  async function checkToken(request: FastifyRequest): Promise<TokenCheck> {
    const token = extractToken(request.headers, request.raw.rawHeaders)
    if (typeof token !== 'string') return { ok: false, ...problem(token) }
    let result: unknown
    try {
      result = await verifyToken(token, request)
    } catch (error) {
      request.log.error({ err: error }, 'token auth: verifyToken failed')
      return { ok: false, code: 'service_unavailable', detail: error instanceof Error ? error.message : String(error) }
    }
    if (!isObject(result) || (result.ok === true && !isObject(result.principal))) {
      return { ok: false, code: 'service_unavailable', detail: 'verifyToken returned no result' }
    }
    if (result.ok !== true) {
      const code = result.code as TokenFailureReason
      return { ok: false, code: Object.hasOwn(AUTH_FAILURE_CODES, code) ? code : 'invalid_token' }
    }
    const principal = result.principal as unknown as TokenAuthPrincipal
    setPrincipal(request, principal)
    return { ok: true, principal }
  }

  // Every route added from now on, here or in a child context, gets its rule compiled,
  // or start-up fails. Fastify calls this for the automatic HEAD route of a GET route
  // too, with the GET route's options: HEAD follows GET.
  fastify.addHook('onRoute', (route) => {
    const declared = route.config?.auth
    const rule = declared === undefined && ruleForUndeclared !== undefined ? ruleForUndeclared(route) : declared
    const compiled = withStepUpRefusal(compileRule(rule, describeRoute(route)), describeRoute(route))
    route.config = { ...route.config, [kCompiledRule]: compiled } as RouteOptions['config']
    // Only a route that takes a state-changing method gets the second check: a GET never
    // pays for a preHandler hook (Fastify skips the hook runner for a route without one).
    if (compiled.kind !== RULE_PUBLIC && changesState(route.method)) route.preHandler = [...asArray(route.preHandler), recheckAfterBody]
  })

  fastify.addHook('onRequest', authenticate)

  function withStepUpRefusal(compiled: CompiledRule, route: string): RouteRule {
    if (compiled.stepUp === null) return compiled
    if (stepUp === undefined) {
      throw new AuthRuleError(
        `@tokenauth/fastify-token-auth: route ${route} declares stepUp, but the plugin was registered without the \`stepUp\` option ` +
          'that says when and how a principal last proved who they are.',
      )
    }
    return Object.freeze({ ...compiled, stepUpRefusal: stepUpRefusal(settings.scheme, settings.realm, settings.messages, compiled.stepUp) })
  }

  /** Why the principal's last proof does not meet `required`, or `undefined` when it does. */
  function stepUpShortfall(required: CompiledStepUp, principal: TokenAuthPrincipal): string | undefined {
    if (stepUp === undefined) return 'no stepUp option'
    const proof = stepUp.authentication(principal)
    if (proof === undefined || !Number.isFinite(proof.time)) return 'no authentication time'
    // A proof from the future (clock skew between instances) counts as now, never as older.
    if (stepUp.now() / 1000 - proof.time > required.maxAge) return `authenticated more than ${required.maxAge} s ago`
    if (required.factors !== null && !stepUp.satisfies(required.factors, proof.methods, principal)) return `not ${required.factors}`
    return undefined
  }

  /**
   * The second check of a state-changing request, after its body was read and validated:
   * the same `verifyToken` (its signature check is cached), the same role rule.
   */
  function recheckAfterBody(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
    const token = (request as WithAcceptedToken)[kAcceptedToken]
    if (token === undefined || SAFE_METHODS.has(request.method)) return done()
    const rule = (request.routeOptions.config as WithCompiledRule)[kCompiledRule]
    if (rule === undefined) return refuseUnruledRoute(request, reply)
    verify(token, rule, request, reply, done)
  }

  function authenticate(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
    // Unknown paths answer 404 as usual: there is nothing to protect.
    if (request.is404) return done()
    const rule = (request.routeOptions.config as WithCompiledRule)[kCompiledRule]
    if (rule === undefined) {
      // A CORS plugin's own preflight route (added before this plugin): a preflight never
      // carries credentials, and the actual request is checked. A route declared with a
      // rule always follows it, preflight headers or not: two headers anyone can add must
      // not open a handler.
      if (request.method === 'OPTIONS' && isPreflight(request)) return done()
      return refuseUnruledRoute(request, reply)
    }
    if (rule.kind === RULE_PUBLIC) return done()

    const token = extractToken(request.headers, request.raw.rawHeaders)
    if (typeof token !== 'string') {
      if (token === TOKEN_ABSENT && rule.kind === RULE_OPTIONAL) return done()
      const { code, detail } = problem(token)
      return refuse(request, reply, code, detail)
    }

    ;(request as WithAcceptedToken)[kAcceptedToken] = token
    verify(token, rule, request, reply, done)
  }

  function verify(token: string, rule: RouteRule, request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
    let result: unknown
    try {
      result = verifyToken(token, request)
    } catch (error) {
      return refuseUnavailable(request, reply, error)
    }
    if (isThenable(result)) {
      void settleLater(result, rule, request, reply, done)
      return
    }
    settle(result, rule, request, reply, done)
  }

  async function settleLater(
    pending: PromiseLike<unknown>,
    rule: RouteRule,
    request: FastifyRequest,
    reply: FastifyReply,
    done: HookHandlerDoneFunction,
  ): Promise<void> {
    let result: unknown
    try {
      result = await pending
    } catch (error) {
      return refuseUnavailable(request, reply, error)
    }
    settle(result, rule, request, reply, done)
  }

  function settle(
    result: unknown,
    rule: RouteRule,
    request: FastifyRequest,
    reply: FastifyReply,
    done: HookHandlerDoneFunction,
  ): void {
    if (!isObject(result)) return refuseUnavailable(request, reply, new TypeError('verifyToken returned no result'))
    if (result.ok !== true) {
      const code = result.code as TokenFailureReason
      const detail = typeof result.detail === 'string' ? result.detail : undefined
      return refuse(request, reply, Object.hasOwn(AUTH_FAILURE_CODES, code) ? code : 'invalid_token', detail)
    }
    const principal = result.principal
    if (!isObject(principal)) return refuseUnavailable(request, reply, new TypeError('verifyToken returned no principal'))
    setPrincipal(request, principal as unknown as TokenAuthPrincipal)
    if (rule.kind === RULE_ROLES) {
      const roles = principal.roles
      if (!Array.isArray(roles) || !rolesSatisfy(rule, roles)) return refuse(request, reply, 'insufficient_role', undefined)
    }
    // After the roles: a fresh proof cannot give a role, so a 403 is the truer answer.
    if (rule.stepUp !== null) {
      let shortfall: string | undefined
      try {
        shortfall = stepUpShortfall(rule.stepUp, principal as unknown as TokenAuthPrincipal)
      } catch (error) {
        // The app's judge failed: nothing is decided, as when verifyToken throws.
        return refuseUnavailable(request, reply, error)
      }
      if (shortfall !== undefined) return refuse(request, reply, 'insufficient_user_authentication', shortfall, rule.stepUpRefusal)
    }
    done()
  }

  function setPrincipal(request: FastifyRequest, principal: TokenAuthPrincipal): void {
    ;(request as unknown as WithPrincipalProperty)[decoratorName] = principal
  }

  function refuse(request: FastifyRequest, reply: FastifyReply, code: FailureCode, detail: string | undefined, refusal = refusals[code]) {
    if (onFailure !== undefined) {
      try {
        onFailure(request, code, detail)
      } catch (error) {
        request.log.error({ err: error }, 'token auth: onFailure threw')
      }
    }
    sendRefusal(reply, refusal)
  }

  function refuseUnavailable(request: FastifyRequest, reply: FastifyReply, error: unknown) {
    // Cannot tell whether the token is good (e.g. the session store is down): refuse.
    request.log.error({ err: error }, 'token auth: verifyToken failed; refusing with 503')
    refuse(request, reply, 'service_unavailable', error instanceof Error ? error.message : String(error))
  }

  function refuseUnruledRoute(request: FastifyRequest, reply: FastifyReply) {
    const route = `${request.method} ${request.routeOptions.url ?? request.url}`
    request.log.error(
      `token auth: ${route} has no compiled auth rule, so it is refused for everyone. It was added before ` +
        '@tokenauth/fastify-token-auth loaded: `await app.register(tokenAuth, …)` before adding routes.',
    )
    refuse(request, reply, 'insufficient_role', `${route} has no compiled auth rule`)
  }
}

/**
 * Whether `roles` satisfy the rule of the route `request` was routed to: for a handler
 * that reads the principal's roles again later (inside its write, say) and must hold
 * them to the same rule. A rule without roles admits any; a route without a compiled
 * rule admits none.
 */
export function routeRuleAdmits(request: FastifyRequest, roles: readonly string[]): boolean {
  return compiledRuleAdmits(request.routeOptions.config, roles)
}

/**
 * Whether `roles` satisfy the rule compiled into a route's `config` — as an `onRoute` hook
 * added after the plugin sees it: for an app that tells a person what they may do, from
 * the same rules that refuse them. Only roles are judged (a step-up can still be asked).
 */
export function compiledRuleAdmits(config: unknown, roles: readonly string[]): boolean {
  const rule = isObject(config) ? (config as WithCompiledRule)[kCompiledRule] : undefined
  if (rule === undefined) return false
  return rule.kind !== RULE_ROLES || rolesSatisfy(rule, roles)
}

/** The refusal for a request whose token could not be read. */
function problem(token: TokenProblem): { code: FailureCode; detail?: string } {
  if (token === TOKEN_ABSENT) return { code: 'missing_token' }
  if (token === TOKEN_CONFLICT) return { code: 'bad_request', detail: 'token header and Authorization differ' }
  if (token === TOKEN_REPEATED) return { code: 'bad_request', detail: 'a credential header was sent more than once' }
  return { code: 'malformed_token' }
}

function changesState(method: RouteOptions['method']): boolean {
  return (Array.isArray(method) ? method : [method]).some((name) => !SAFE_METHODS.has(name))
}

function asArray<T>(value: T | readonly T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? [...(value as readonly T[])] : [value as T]
}

/** A real CORS preflight: `OPTIONS` with both `Origin` and `Access-Control-Request-Method`. */
function isPreflight(request: FastifyRequest): boolean {
  const headers = request.headers
  return headers.origin !== undefined && headers['access-control-request-method'] !== undefined
}

function describeRoute(route: RouteOptions): string {
  return `${Array.isArray(route.method) ? route.method.join(',') : route.method} ${route.url}`
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return isObject(value) && typeof value.then === 'function'
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null
}

/**
 * The plugin. Wrapped with fastify-plugin so that its hooks and `request.user` (or its
 * `decoratorName`) reach the
 * context it is registered in, not just a child of it.
 */
export const tokenAuth = fp<TokenAuthOptions>(tokenAuthPlugin, {
  name: '@tokenauth/fastify-token-auth',
  fastify: '5.x',
})
