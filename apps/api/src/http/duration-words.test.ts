import { expect, it } from 'vitest'
import { durationWords } from './duration-words.js'

it.each([
  [0, '0 seconds'],
  [0.2, '1 second'],
  [1, '1 second'],
  [59, '59 seconds'],
  [60, '60 seconds'],
  [90, '90 seconds'],
  [119, '119 seconds'],
  [120, '2 minutes'],
  [121, '3 minutes'],
  [900, '15 minutes'],
  [3_600, '60 minutes'],
  [7_199, '120 minutes'],
  [7_200, '2 hours'],
  [86_400, '24 hours'],
  [2 * 86_400 - 1, '48 hours'],
  [2 * 86_400, '2 days'],
  [3 * 86_400 + 1, '4 days'],
])('%i s is %s', (seconds, words) => {
  expect(durationWords(seconds)).toBe(words)
})

it('never says a wait shorter than it is', () => {
  const units: Record<string, number> = { second: 1, minute: 60, hour: 3_600, day: 86_400 }
  for (let seconds = 0; seconds < 4 * 86_400; seconds += 37) {
    const [count, unit] = durationWords(seconds).split(' ') as [string, string]
    const said = Number(count) * (units[unit.replace(/s$/, '')] ?? Number.NaN)
    expect(said, `${seconds}`).toBeGreaterThanOrEqual(seconds)
    expect(said, `${seconds}`).toBeLessThan(Math.max(2, seconds * 1.5 + 1))
  }
})
