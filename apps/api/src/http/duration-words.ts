/**
 * A wait in words, rounded to its largest unit: `1 second`, `30 seconds`, `1 minute`,
 * `2 hours`, `3 days`: the words of the 429 message.
 */
export function durationWords(seconds: number): string {
  const units: readonly (readonly [string, number])[] = [
    ['day', 86_400],
    ['hour', 3_600],
    ['minute', 60],
  ]
  for (const [unit, size] of units) {
    if (seconds >= size) return plural(Math.round(seconds / size), unit)
  }
  return plural(Math.max(0, Math.round(seconds)), 'second')
}

function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? '' : 's'}`
}
