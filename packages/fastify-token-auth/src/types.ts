import type { FastifyRequest, RouteOptions } from 'fastify'
import type { TokenAuthFailureCode, TokenFailureReason } from './messages.js'
import type { AuthRule } from './rules.js'

/**
 * Who `request.user` is. The plugin only needs `roles`; an app adds its own fields by
 * declaration merging, once, next to its `verifyToken`:
 *
 * ```ts
 * declare module '@tokenauth/fastify-token-auth' {
 *   interface TokenAuthPrincipal {
 *     readonly id: number
 *     readonly username: string
 *   }
 * }
 * ```
 */
export interface TokenAuthPrincipal {
  readonly roles: readonly string[]
}

/**
 * The name of the request property that holds the principal, as the types see it: `user`
 * unless an app that passes `decoratorName` says the same here, once, by declaration
 * merging (then `request.user` is not declared at all, and @fastify/jwt or
 * @fastify/passport can have it):
 *
 * ```ts
 * declare module '@tokenauth/fastify-token-auth' {
 *   interface TokenAuthDecorator {
 *     readonly name: 'account'
 *   }
 * }
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in by declaration merging
export interface TokenAuthDecorator {}

/** `TokenAuthDecorator['name']` when an app declared one, else `'user'`. */
export type TokenAuthDecoratorName = TokenAuthDecorator extends { readonly name: infer Name extends string } ? Name : 'user'

/**
 * What `verifyToken` answers. `detail` stays on the server (it reaches `onFailure`,
 * never the client): the client only learns the `code`.
 */
export type VerifyTokenResult<P extends TokenAuthPrincipal = TokenAuthPrincipal> =
  | { readonly ok: true; readonly principal: P }
  | { readonly ok: false; readonly code: TokenFailureReason; readonly detail?: string }

export type { TokenAuthFailureCode, TokenFailureReason }

/** Options of the plugin. Only `verifyToken` is required. */
export interface TokenAuthOptions<P extends TokenAuthPrincipal = TokenAuthPrincipal> {
  /**
   * Checks a well-formed token (signature, expiry, revocation). Called only on
   * `optional`, `required` and roles routes, never for a missing or malformed token.
   * Throwing or rejecting means "cannot tell right now": the request is refused with
   * 503 `service_unavailable` and the error is logged.
   */
  verifyToken(token: string, request: FastifyRequest): Promise<VerifyTokenResult<P>> | VerifyTokenResult<P>
  /**
   * The request property that holds the principal. Default `user`; another name lets the
   * plugin sit beside @fastify/jwt or @fastify/passport, which decorate `request.user`
   * too (declare the same name in `TokenAuthDecorator` for the types).
   */
  decoratorName?: string
  /** Header read as `<name>: <token>`. Default `token`; `false` reads only `Authorization`. */
  tokenHeader?: string | false
  /** Scheme of `Authorization: <scheme> <token>` (case-insensitive) and of the challenge. Default `Bearer`. */
  scheme?: string
  /** `realm` of the `WWW-Authenticate` challenge. Default `api`. */
  realm?: string
  /** Longer tokens are refused as `malformed_token` without calling `verifyToken`. Default 4096. */
  maxTokenLength?: number
  /**
   * The `message` of each refusal's JSON body (and the `error_description` of its
   * challenge, cut to what that attribute allows); codes left out keep `DEFAULT_MESSAGES`.
   */
  messages?: Partial<Readonly<Record<TokenAuthFailureCode, string>>>
  /**
   * Called for every refusal, before the reply is sent: for audit logs and metrics.
   * `detail` is `verifyToken`'s detail, or the plugin's own reason. Errors it throws are
   * logged and do not change the reply.
   */
  onFailure?(request: FastifyRequest, code: TokenAuthFailureCode, detail: string | undefined): void
  /**
   * The rule for a route that declares no `config.auth`: routes added by other plugins
   * (static files, API docs, CORS preflight). Return `undefined` to keep refusing the
   * route at start-up. Called once per route (and once for its automatic HEAD route).
   */
  ruleForUndeclared?(route: RouteOptions): AuthRule | undefined
  /**
   * What the `stepUp` route rules judge (RFC 9470). Needed by any route that declares
   * `stepUp`: without it, such a route fails at start-up.
   */
  stepUp?: StepUpOptions<P>
}

/** When and how a principal last proved who they are: what a `stepUp` rule is held to. */
export interface AuthenticationProof {
  /** Seconds since the epoch (a token's `auth_time`). */
  readonly time: number
  /** How (a token's `amr`, RFC 8176 values). */
  readonly methods: readonly string[]
}

/** The app's side of step-up: the plugin compares times, the app says what a proof and a factor are. */
export interface StepUpOptions<P extends TokenAuthPrincipal = TokenAuthPrincipal> {
  /** The principal's last proof; `undefined` when unknown, which no `stepUp` rule accepts. */
  authentication(principal: P): AuthenticationProof | undefined
  /**
   * Whether `methods` satisfy a rule's `factors` (its acr value). Default: `methods`
   * includes `factors` itself (so `factors: 'mfa'` asks for the RFC 8176 value `mfa`).
   */
  satisfies?(factors: string, methods: readonly string[], principal: P): boolean
  /** The clock, in milliseconds since the epoch. Default `Date.now`. */
  now?(): number
}
