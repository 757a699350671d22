/** Below this many bits by the estimate below, a secret is taken for a placeholder. */
const MIN_ESTIMATED_BITS = 80

/**
 * True for a value that cannot have come from a random generator: a short block repeated
 * (`aaaa…`, all-zero bytes, `abcabc…`) or too little variety for its length (the Shannon
 * entropy of its symbols times its length, under 80 bits). A generous estimate, not a
 * strength meter: it catches the placeholders people paste (`changeme` padded out, a
 * secret of one repeated character, an all-zero key), while any value from `pnpm keys` or
 * 32 random bytes passes by far.
 */
export function isPlaceholderSecret(value: string | Uint8Array): boolean {
  const symbols = typeof value === 'string' ? [...value] : [...value]
  if (symbols.length === 0) return true
  if (repeatsShortBlock(symbols)) return true
  return estimatedBits(symbols) < MIN_ESTIMATED_BITS
}

function repeatsShortBlock(symbols: readonly (string | number)[]): boolean {
  for (let period = 1; period <= symbols.length / 2; period++) {
    let repeats = true
    for (let i = period; i < symbols.length && repeats; i++) repeats = symbols[i] === symbols[i - period]
    if (repeats) return true
  }
  return false
}

function estimatedBits(symbols: readonly (string | number)[]): number {
  const counts = new Map<string | number, number>()
  for (const symbol of symbols) counts.set(symbol, (counts.get(symbol) ?? 0) + 1)
  let bitsPerSymbol = 0
  for (const count of counts.values()) {
    const p = count / symbols.length
    bitsPerSymbol -= p * Math.log2(p)
  }
  return bitsPerSymbol * symbols.length
}
