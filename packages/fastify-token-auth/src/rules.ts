/**
 * The rule a route declares as `config: { auth }`, and its compiled form: checked once
 * when the route is added, so the request hook only compares numbers and role names.
 */

/** Roles the principal must hold: at least one of `anyOf`, and every one of `allOf`. */
export interface RoleRequirement {
  readonly anyOf?: readonly string[]
  readonly allOf?: readonly string[]
}

/**
 * How recently, and (optionally) how, the person behind the token must have proved who
 * they are (RFC 9470). `maxAge`: seconds since that proof (the token's authentication
 * time, as the `stepUp.authentication` option reads it). `factors`: an authentication
 * context the app names (RFC 9470's `acr_values`, e.g. `mfa`), judged by the app's
 * `stepUp.satisfies`.
 */
export interface StepUpRequirement {
  readonly maxAge: number
  readonly factors?: string
}

/**
 * - `public`: no check; the token is not even read and `request.user` stays `null`.
 * - `optional`: no token → `request.user = null`; a token that is bad → 401 as for `required`.
 * - `required`: a valid token, or 401.
 * - `{ roles }`: a valid token (or 401) whose principal holds the roles (or 403).
 * - `{ stepUp }`, `{ roles, stepUp }`: as `required` or `{ roles }`, and a recent enough
 *   proof (else 401 `insufficient_user_authentication` with RFC 9470's challenge).
 */
export type AuthRule =
  | 'public'
  | 'optional'
  | 'required'
  | { readonly roles: RoleRequirement; readonly stepUp?: StepUpRequirement }
  | { readonly roles?: undefined; readonly stepUp: StepUpRequirement }

export const RULE_PUBLIC = 0
export const RULE_OPTIONAL = 1
export const RULE_REQUIRED = 2
export const RULE_ROLES = 3
type RuleKind = typeof RULE_PUBLIC | typeof RULE_OPTIONAL | typeof RULE_REQUIRED | typeof RULE_ROLES

/** A validated step-up requirement. */
export interface CompiledStepUp {
  readonly maxAge: number
  readonly factors: string | null
}

/** A validated rule. `anyOf`/`allOf` are `null` when not given (never empty); `stepUp` `null` when none. */
export interface CompiledRule {
  readonly kind: RuleKind
  readonly anyOf: readonly string[] | null
  readonly allOf: readonly string[] | null
  readonly stepUp: CompiledStepUp | null
}

const PUBLIC: CompiledRule = Object.freeze({ kind: RULE_PUBLIC, anyOf: null, allOf: null, stepUp: null })
const OPTIONAL: CompiledRule = Object.freeze({ kind: RULE_OPTIONAL, anyOf: null, allOf: null, stepUp: null })
const REQUIRED: CompiledRule = Object.freeze({ kind: RULE_REQUIRED, anyOf: null, allOf: null, stepUp: null })

const RULE_SYNTAX =
  "'public' | 'optional' | 'required' | { roles?: { anyOf?: string[], allOf?: string[] }, stepUp?: { maxAge: number, factors?: string } }"

/** An acr value: RFC 6749's NQCHAR without space, so it fits in the challenge's quoted `acr_values`. */
const FACTOR_NAME = /^[\x21\x23-\x5b\x5d-\x7e]{1,64}$/

/** Thrown at start-up for a route whose rule is missing or not valid. */
export class AuthRuleError extends Error {
  override name = 'AuthRuleError'
}

/**
 * Validates `rule` and compiles it. `route` names the route in the error message,
 * e.g. `GET /api/notes`.
 */
export function compileRule(rule: unknown, route: string): CompiledRule {
  if (rule === undefined) {
    throw new AuthRuleError(
      `@tokenauth/fastify-token-auth: route ${route} declares no auth rule. Routes are denied by default: ` +
        `add config: { auth: ${RULE_SYNTAX} }.`,
    )
  }
  if (rule === 'public') return PUBLIC
  if (rule === 'optional') return OPTIONAL
  if (rule === 'required') return REQUIRED
  const problem = objectRuleProblem(rule)
  if (problem !== undefined) {
    throw new AuthRuleError(
      `@tokenauth/fastify-token-auth: route ${route} has an invalid auth rule ${describe(rule)}: ${problem}. ` +
        `Expected ${RULE_SYNTAX}.`,
    )
  }
  const { roles, stepUp } = rule as { roles?: RoleRequirement; stepUp?: StepUpRequirement }
  return Object.freeze({
    kind: roles === undefined ? RULE_REQUIRED : RULE_ROLES,
    anyOf: roles?.anyOf === undefined ? null : Object.freeze([...roles.anyOf]),
    allOf: roles?.allOf === undefined ? null : Object.freeze([...roles.allOf]),
    stepUp: stepUp === undefined ? null : Object.freeze({ maxAge: stepUp.maxAge, factors: stepUp.factors ?? null }),
  })
}

/** Whether `roles` satisfies a compiled roles rule. No allocation: this runs per request. */
export function rolesSatisfy(rule: CompiledRule, roles: readonly string[]): boolean {
  const { allOf, anyOf } = rule
  if (allOf !== null) {
    for (let i = 0; i < allOf.length; i++) {
      if (!roles.includes(allOf[i] as string)) return false
    }
  }
  if (anyOf !== null) {
    for (let i = 0; i < anyOf.length; i++) {
      if (roles.includes(anyOf[i] as string)) return true
    }
    return false
  }
  return true
}

function objectRuleProblem(rule: unknown): string | undefined {
  if (!isPlainObject(rule)) return 'not one of the rule forms'
  const keys = Object.keys(rule)
  if (keys.length === 0 || keys.some((key) => key !== 'roles' && key !== 'stepUp')) {
    return 'an object rule has `roles`, `stepUp` or both, and no other key'
  }
  return (rule.roles === undefined ? undefined : roleRuleProblem(rule.roles)) ?? (rule.stepUp === undefined ? undefined : stepUpProblem(rule.stepUp))
}

function stepUpProblem(stepUp: unknown): string | undefined {
  if (!isPlainObject(stepUp)) return '`stepUp` must be an object'
  for (const key of Object.keys(stepUp)) {
    if (key !== 'maxAge' && key !== 'factors') return `unknown key \`stepUp.${key}\``
  }
  const { maxAge, factors } = stepUp
  if (typeof maxAge !== 'number' || !Number.isSafeInteger(maxAge) || maxAge < 0) return '`stepUp.maxAge` must be a whole number of seconds, 0 or more'
  if (factors !== undefined && (typeof factors !== 'string' || !FACTOR_NAME.test(factors))) {
    return '`stepUp.factors` must be one acr value (printable ASCII, no space, quote or backslash)'
  }
  return undefined
}

function roleRuleProblem(roles: unknown): string | undefined {
  if (!isPlainObject(roles)) return '`roles` must be an object'
  for (const key of Object.keys(roles)) {
    if (key !== 'anyOf' && key !== 'allOf') return `unknown key \`roles.${key}\``
  }
  if (roles.anyOf === undefined && roles.allOf === undefined) return '`roles` needs `anyOf`, `allOf` or both'
  return roleListProblem(roles.anyOf, 'anyOf') ?? roleListProblem(roles.allOf, 'allOf')
}

function roleListProblem(list: unknown, name: string): string | undefined {
  if (list === undefined) return undefined
  if (!Array.isArray(list)) return `\`roles.${name}\` must be an array of role names`
  if (list.length === 0) return `\`roles.${name}\` is empty (it would let nobody or everybody in)`
  for (const role of list) {
    if (typeof role !== 'string' || role.length === 0) return `\`roles.${name}\` must hold non-empty strings`
  }
  return undefined
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function describe(rule: unknown): string {
  try {
    return JSON.stringify(rule) ?? String(rule)
  } catch {
    return String(rule)
  }
}
