#!/usr/bin/env node
import { randomBytes } from 'node:crypto'
import { formatKeyRing, generateSigningKey, parseKeyRing } from '@tokenauth/signer'

/**
 * `pnpm keys`: prints fresh values for TOKEN_KEYS and SESSION_SECRET.
 * `pnpm keys rotate "<current TOKEN_KEYS>"` prints the ring with a new signing key in
 * front, so old tokens keep verifying until they expire.
 */
function main(args: readonly string[]): number {
  const [command, current] = args
  if (command === undefined) {
    process.stdout.write(`TOKEN_KEYS=${formatKeyRing([generateSigningKey()])}\n`)
    process.stdout.write(`SESSION_SECRET=${randomBytes(32).toString('base64url')}\n`)
    return 0
  }
  if (command === 'rotate' && current !== undefined) {
    process.stdout.write(`TOKEN_KEYS=${formatKeyRing([generateSigningKey(), ...parseKeyRing(current)])}\n`)
    return 0
  }
  process.stderr.write('Usage: pnpm keys              print new TOKEN_KEYS and SESSION_SECRET values\n')
  process.stderr.write('       pnpm keys rotate "<TOKEN_KEYS>"   add a new signing key in front of the ring\n')
  return 2
}

try {
  process.exit(main(process.argv.slice(2)))
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`)
  process.exit(1)
}
