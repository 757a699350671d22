/** "1 session", "2 sessions": a count with its noun. */
export function countOf(count: number, singular: string, plural = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : plural}`
}

/** "1 other session ended." / "No other session was signed in.": what ending sessions did. */
export function endedOtherSessions(count: number): string {
  return count === 0 ? 'No other session was signed in.' : `${countOf(count, 'other session')} ended.`
}
