/** The units a wait is said in, smallest first, with their size in seconds. */
const UNITS: readonly (readonly [string, number])[] = [
  ['second', 1],
  ['minute', 60],
  ['hour', 3_600],
  ['day', 86_400],
]

/**
 * A wait in words for an error message (the 429s of the request limit and the sign-in
 * throttle): the count is rounded up, so a client told "3 minutes" is never early, and a
 * wait stays in a unit until it is at least two of the next one, so the words lose at most
 * half of it: `90 seconds`, `2 minutes`, `3 minutes` (for 121 s), `47 hours`, `2 days`.
 */
export function durationWords(seconds: number): string {
  const wait = Math.max(0, seconds)
  for (let i = 0; i < UNITS.length; i++) {
    const [unit, size] = UNITS[i] ?? ['second', 1]
    const next = UNITS[i + 1]
    if (!next || wait < 2 * next[1]) return plural(Math.ceil(wait / size), unit)
  }
  return plural(Math.ceil(wait), 'second')
}

function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? '' : 's'}`
}
