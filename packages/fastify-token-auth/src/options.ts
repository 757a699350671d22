import { DEFAULT_MESSAGES, type TokenAuthFailureCode } from './messages.js'
import type { StepUpOptions, TokenAuthOptions } from './types.js'

/** The options with defaults applied and checked, so a typo fails at start-up, not per request. */
export interface ResolvedOptions {
  readonly verifyToken: TokenAuthOptions['verifyToken']
  /** The request property that holds the principal. */
  readonly decoratorName: string
  /** Lower-case, as Node stores header names; `false` when disabled. */
  readonly tokenHeader: string | false
  readonly scheme: string
  readonly realm: string
  readonly maxTokenLength: number
  readonly messages: Readonly<Record<TokenAuthFailureCode, string>>
  readonly onFailure: TokenAuthOptions['onFailure']
  readonly ruleForUndeclared: TokenAuthOptions['ruleForUndeclared']
  readonly stepUp: ResolvedStepUp | undefined
}

/** `stepUp` with its defaults. */
export interface ResolvedStepUp {
  readonly authentication: StepUpOptions['authentication']
  readonly satisfies: NonNullable<StepUpOptions['satisfies']>
  readonly now: () => number
}

export const DEFAULT_DECORATOR_NAME = 'user'
export const DEFAULT_TOKEN_HEADER = 'token'
export const DEFAULT_SCHEME = 'Bearer'
export const DEFAULT_REALM = 'api'
export const DEFAULT_MAX_TOKEN_LENGTH = 4096

/** RFC 9110 `token`: what a header name and an auth scheme are made of. */
const HTTP_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

export function resolveOptions(options: TokenAuthOptions): ResolvedOptions {
  if (typeof options?.verifyToken !== 'function') fail('`verifyToken` must be a function')
  const { onFailure, ruleForUndeclared } = options
  if (onFailure !== undefined && typeof onFailure !== 'function') fail('`onFailure` must be a function')
  if (ruleForUndeclared !== undefined && typeof ruleForUndeclared !== 'function') {
    fail('`ruleForUndeclared` must be a function')
  }
  return {
    verifyToken: options.verifyToken,
    decoratorName: resolveDecoratorName(options.decoratorName),
    tokenHeader: resolveTokenHeader(options.tokenHeader),
    scheme: resolveScheme(options.scheme),
    realm: resolveRealm(options.realm),
    maxTokenLength: resolveMaxTokenLength(options.maxTokenLength),
    messages: resolveMessages(options.messages),
    onFailure,
    ruleForUndeclared,
    stepUp: resolveStepUp(options.stepUp),
  }
}

function resolveStepUp(value: StepUpOptions | undefined): ResolvedStepUp | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'object' || value === null || typeof value.authentication !== 'function') {
    fail('`stepUp.authentication` must be a function')
  }
  const { authentication, satisfies, now } = value
  if (satisfies !== undefined && typeof satisfies !== 'function') fail('`stepUp.satisfies` must be a function')
  if (now !== undefined && typeof now !== 'function') fail('`stepUp.now` must be a function')
  return {
    authentication,
    satisfies: satisfies ?? ((factors, methods) => methods.includes(factors)),
    now: now ?? Date.now,
  }
}

function resolveDecoratorName(value: string | undefined): string {
  if (value === undefined) return DEFAULT_DECORATOR_NAME
  // Read as `request.<name>`, so an identifier.
  if (typeof value !== 'string' || !/^[A-Za-z_$][\w$]*$/.test(value)) fail('`decoratorName` must be an identifier such as user')
  return value
}

function resolveTokenHeader(value: string | false | undefined): string | false {
  if (value === undefined) return DEFAULT_TOKEN_HEADER
  if (value === false) return false
  if (typeof value !== 'string' || !HTTP_TOKEN.test(value)) fail('`tokenHeader` must be a header name or false')
  const name = value.toLowerCase()
  if (name === 'authorization') fail('`tokenHeader` cannot be `authorization`; it is always read with `scheme`')
  return name
}

function resolveScheme(value: string | undefined): string {
  if (value === undefined) return DEFAULT_SCHEME
  if (typeof value !== 'string' || !HTTP_TOKEN.test(value)) fail('`scheme` must be an auth scheme name such as Bearer')
  return value
}

function resolveRealm(value: string | undefined): string {
  if (value === undefined) return DEFAULT_REALM
  if (typeof value !== 'string' || !/^[\x20-\x7e]*$/.test(value)) fail('`realm` must be printable ASCII')
  return value
}

function resolveMaxTokenLength(value: number | undefined): number {
  if (value === undefined) return DEFAULT_MAX_TOKEN_LENGTH
  if (!Number.isSafeInteger(value) || value < 1) fail('`maxTokenLength` must be a positive integer')
  return value
}

function resolveMessages(value: TokenAuthOptions['messages']): Readonly<Record<TokenAuthFailureCode, string>> {
  if (value === undefined) return DEFAULT_MESSAGES
  if (typeof value !== 'object' || value === null) fail('`messages` must be an object of strings by code')
  const messages: Record<TokenAuthFailureCode, string> = { ...DEFAULT_MESSAGES }
  for (const code of Object.keys(DEFAULT_MESSAGES) as TokenAuthFailureCode[]) {
    const message = value[code]
    if (message === undefined) continue
    if (typeof message !== 'string') fail(`\`messages.${code}\` must be a string`)
    messages[code] = message
  }
  return Object.freeze(messages)
}

function fail(message: string): never {
  throw new TypeError(`@tokenauth/fastify-token-auth: ${message}`)
}
