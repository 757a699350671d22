/** The one-time setup token in a `#token=…` fragment, or '' when there is none. */
export function setupTokenFromHash(hash: string): string {
  return new URLSearchParams(hash.replace(/^#/, '')).get('token')?.trim() ?? ''
}
