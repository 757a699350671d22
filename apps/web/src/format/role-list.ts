/** A role name as the API accepts it (`Role` in @tokenauth/shared): lowercase, starting with a letter. */
const ROLE = /^[a-z][a-z0-9_-]{0,31}$/

/**
 * The roles typed into a form: split on commas and spaces, each once, in order. `invalid`
 * lists what is not a role name, so the form can say so before the server does.
 */
export function parseRoleList(text: string): { roles: string[]; invalid: string[] } {
  const words = text.split(/[\s,]+/).filter(Boolean)
  const roles = [...new Set(words.filter((word) => ROLE.test(word)))]
  return { roles, invalid: words.filter((word) => !ROLE.test(word)) }
}

/** The roles from the admin checkbox and the free text, admin first. */
export function combineRoles(admin: boolean, others: string[]): string[] {
  return [...(admin ? ['admin'] : []), ...others.filter((role) => role !== 'admin')]
}
