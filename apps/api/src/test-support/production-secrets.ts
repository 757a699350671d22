import { randomBytes } from 'node:crypto'
import { formatKeyRing, generateSigningKey } from '@tokenauth/signer'

/** TOKEN_KEYS and SESSION_SECRET as `pnpm keys` makes them: production refuses placeholders. */
export function productionSecrets(): { TOKEN_KEYS: string; SESSION_SECRET: string } {
  return { TOKEN_KEYS: formatKeyRing([generateSigningKey()]), SESSION_SECRET: randomBytes(32).toString('base64url') }
}
