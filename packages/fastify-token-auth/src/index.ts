/**
 * Token authentication for Fastify, fail-closed, with a rule on every route:
 * `config: { auth: 'public' | 'optional' | 'required' | { roles?: { anyOf?, allOf? }, stepUp?: { maxAge, factors? } } }`.
 */
export { compiledRuleAdmits, routeRuleAdmits, tokenAuth, tokenAuth as default, type TokenAuthRequestDecorator, type TokenCheck } from './plugin.js'
export { currentUser } from './current-user.js'
export { AuthRuleError, type AuthRule, type RoleRequirement, type StepUpRequirement } from './rules.js'
export type {
  AuthenticationProof,
  StepUpOptions,
  TokenAuthDecorator,
  TokenAuthDecoratorName,
  TokenAuthOptions,
  TokenAuthPrincipal,
  VerifyTokenResult,
} from './types.js'
export { DEFAULT_MESSAGES, type TokenAuthFailureCode, type TokenFailureReason } from './messages.js'
export {
  createTokenExtractor,
  TOKEN_ABSENT,
  TOKEN_CONFLICT,
  TOKEN_MALFORMED,
  TOKEN_REPEATED,
  type TokenExtraction,
  type TokenExtractorOptions,
} from './extract-token.js'
