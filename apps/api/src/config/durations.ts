const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86400 }

/**
 * Reads a duration as whole seconds: `900`, `900s`, `15m`, `12h`, `7d`.
 * Returns undefined for anything else, so the caller can say which variable is wrong.
 */
export function parseDurationSeconds(text: string): number | undefined {
  const match = /^\s*(\d{1,9})\s*([smhd]?)\s*$/.exec(text)
  if (!match) return undefined
  const amount = Number(match[1])
  const unit = UNIT_SECONDS[match[2] || 's'] ?? 1
  return amount * unit
}
