import { expect, it } from 'vitest'
import { durationWords } from './duration-words.js'

it.each([
  [0, '0 seconds'],
  [1, '1 second'],
  [59, '59 seconds'],
  [60, '1 minute'],
  [90, '2 minutes'],
  [3_600, '1 hour'],
  [7_200, '2 hours'],
  [86_400, '1 day'],
  [3 * 86_400, '3 days'],
])('%i s is %s', (seconds, words) => {
  expect(durationWords(seconds)).toBe(words)
})
