#!/usr/bin/env node
import { randomBytes } from 'node:crypto'
import { formatKeyRing, generateSigningKey, parseKeyRing } from '@tokenauth/signer'
import { formatDataKeys, generateDataKey, parseDataKeys } from '../second-factor/data-keys.js'

/**
 * `pnpm keys`: prints fresh values for TOKEN_KEYS, SESSION_SECRET and DATA_KEYS.
 * `pnpm keys rotate "<current TOKEN_KEYS>"` prints the ring with a new signing key in
 * front, so old tokens keep verifying until they expire. `pnpm keys rotate-data
 * "<current DATA_KEYS>"` does the same for the data keys: the new key encrypts, the old
 * ones still decrypt what they sealed.
 */
function main(args: readonly string[]): number {
  const [command, current] = args
  if (command === undefined) {
    process.stdout.write(`TOKEN_KEYS=${formatKeyRing([generateSigningKey()])}\n`)
    process.stdout.write(`SESSION_SECRET=${randomBytes(32).toString('base64url')}\n`)
    process.stdout.write(`DATA_KEYS=${formatDataKeys([generateDataKey()])}\n`)
    return 0
  }
  if (command === 'rotate-data' && current !== undefined) {
    process.stdout.write(`DATA_KEYS=${formatDataKeys([generateDataKey(), ...parseDataKeys(current)])}\n`)
    return 0
  }
  if (command === 'rotate' && current !== undefined) {
    process.stdout.write(`TOKEN_KEYS=${formatKeyRing([generateSigningKey(), ...parseKeyRing(current)])}\n`)
    return 0
  }
  process.stderr.write('Usage: pnpm keys              print new TOKEN_KEYS, SESSION_SECRET and DATA_KEYS values\n')
  process.stderr.write('       pnpm keys rotate "<TOKEN_KEYS>"   add a new signing key in front of the ring\n')
  process.stderr.write('       pnpm keys rotate-data "<DATA_KEYS>"   add a new data key in front of the ring\n')
  return 2
}

try {
  process.exit(main(process.argv.slice(2)))
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`)
  process.exit(1)
}
