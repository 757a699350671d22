/** Roles are stored as a JSON array of strings; anything else reads as no roles. */
export function parseRoles(text: string): string[] {
  try {
    const value: unknown = JSON.parse(text)
    return Array.isArray(value) ? value.filter((r): r is string => typeof r === 'string') : []
  } catch {
    return []
  }
}
