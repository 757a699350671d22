import { randomBytes } from 'node:crypto'
import { formatKeyRing, generateSigningKey } from '@tokenauth/signer'
import { formatDataKeys, generateDataKey } from '../second-factor/data-keys.js'

/** TOKEN_KEYS, SESSION_SECRET and DATA_KEYS as `pnpm keys` makes them: production refuses placeholders. */
export function productionSecrets(): { TOKEN_KEYS: string; SESSION_SECRET: string; DATA_KEYS: string } {
  return {
    TOKEN_KEYS: formatKeyRing([generateSigningKey()]),
    SESSION_SECRET: randomBytes(32).toString('base64url'),
    DATA_KEYS: formatDataKeys([generateDataKey()]),
  }
}
