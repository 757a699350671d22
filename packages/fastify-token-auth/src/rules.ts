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
 * - `public`: no check; the token is not even read and `request.user` stays `null`.
 * - `optional`: no token → `request.user = null`; a token that is bad → 401 as for `required`.
 * - `required`: a valid token, or 401.
 * - `{ roles }`: a valid token (or 401) whose principal holds the roles (or 403).
 */
export type AuthRule = 'public' | 'optional' | 'required' | { readonly roles: RoleRequirement }

export const RULE_PUBLIC = 0
export const RULE_OPTIONAL = 1
export const RULE_REQUIRED = 2
export const RULE_ROLES = 3
type RuleKind = typeof RULE_PUBLIC | typeof RULE_OPTIONAL | typeof RULE_REQUIRED | typeof RULE_ROLES

/** A validated rule. `anyOf`/`allOf` are `null` when not given (never empty). */
export interface CompiledRule {
  readonly kind: RuleKind
  readonly anyOf: readonly string[] | null
  readonly allOf: readonly string[] | null
}

const PUBLIC: CompiledRule = Object.freeze({ kind: RULE_PUBLIC, anyOf: null, allOf: null })
const OPTIONAL: CompiledRule = Object.freeze({ kind: RULE_OPTIONAL, anyOf: null, allOf: null })
const REQUIRED: CompiledRule = Object.freeze({ kind: RULE_REQUIRED, anyOf: null, allOf: null })

const RULE_SYNTAX = "'public' | 'optional' | 'required' | { roles: { anyOf?: string[], allOf?: string[] } }"

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
  const problem = roleRuleProblem(rule)
  if (problem !== undefined) {
    throw new AuthRuleError(
      `@tokenauth/fastify-token-auth: route ${route} has an invalid auth rule ${describe(rule)}: ${problem}. ` +
        `Expected ${RULE_SYNTAX}.`,
    )
  }
  const { anyOf, allOf } = (rule as { roles: RoleRequirement }).roles
  return Object.freeze({
    kind: RULE_ROLES,
    anyOf: anyOf === undefined ? null : Object.freeze([...anyOf]),
    allOf: allOf === undefined ? null : Object.freeze([...allOf]),
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

function roleRuleProblem(rule: unknown): string | undefined {
  if (!isPlainObject(rule)) return 'not one of the rule forms'
  const keys = Object.keys(rule)
  if (keys.length !== 1 || keys[0] !== 'roles') return 'an object rule must have exactly one key, `roles`'
  const roles = rule.roles
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
