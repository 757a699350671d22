/** What a form checks before sending, read from the shared TypeBox schema so it matches the server. */
export interface StringRules {
  pattern: RegExp | null
  maxLength: number | undefined
}

/** The `pattern` and `maxLength` of a string schema from `@tokenauth/shared`. */
export function stringRules(schema: object): StringRules {
  const pattern = 'pattern' in schema && typeof schema.pattern === 'string' ? new RegExp(schema.pattern) : null
  const maxLength = 'maxLength' in schema && typeof schema.maxLength === 'number' ? schema.maxLength : undefined
  return { pattern, maxLength }
}

/** Whether `value` satisfies the rules (a non-empty string within them). */
export function satisfies(rules: StringRules, value: string): boolean {
  return value.length > 0 && (rules.maxLength === undefined || value.length <= rules.maxLength) && (rules.pattern?.test(value) ?? true)
}
