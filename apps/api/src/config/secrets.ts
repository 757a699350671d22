import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs'
import path from 'node:path'
import { formatKeyRing, generateSigningKey, parseKeyRing, type SigningKey } from '@tokenauth/signer'
import { ConfigError, placeholderSecret, type Config } from './config.js'
import { isPlaceholderSecret } from './secret-strength.js'
import { formatDataKeys, generateDataKey, parseDataKeys } from '../second-factor/data-keys.js'

/** The key material the server signs with. */
export interface Secrets {
  readonly tokenKeys: readonly SigningKey[]
  readonly sessionSecrets: readonly string[]
  /** AES-256-GCM keys for data at rest (second-factor secrets); the first encrypts. */
  readonly dataKeys: readonly SigningKey[]
}

interface DevSecretsFile {
  tokenKeys: string
  sessionSecret: string
  /** Absent in files written before data keys existed: added on the next start. */
  dataKeys?: string
}

/** Name of the file that keeps generated development secrets under `DATA_DIR`. */
export const DEV_SECRETS_FILE = 'dev-secrets.json'

/**
 * Secrets from the environment; outside production, missing ones come from a file under
 * `DATA_DIR` (created with mode 0600 on first start), so a restart keeps people logged in.
 * Production never reaches the file: `loadConfig` has already refused to start.
 */
export function loadSecrets(config: Config): Secrets {
  let devFile: DevSecretsFile | undefined
  const dev = (): DevSecretsFile => (devFile ??= readOrCreateDevSecrets(config.dataDir))
  const tokenKeys = parseKeys(config.tokenKeys ?? dev().tokenKeys, config.tokenKeys ? 'TOKEN_KEYS' : DEV_SECRETS_FILE)
  if (config.env === 'production' && tokenKeys.some((key) => isPlaceholderSecret(key.secret))) throw new ConfigError(placeholderSecret('TOKEN_KEYS'))
  const sessionSecrets = config.sessionSecrets ?? [dev().sessionSecret]
  const dataKeys = parseKeys(config.dataKeys ?? devDataKeys(config.dataDir, dev()), config.dataKeys ? 'DATA_KEYS' : DEV_SECRETS_FILE, parseDataKeys)
  if (config.env === 'production' && dataKeys.some((key) => isPlaceholderSecret(key.secret))) throw new ConfigError(placeholderSecret('DATA_KEYS'))
  return { tokenKeys, sessionSecrets, dataKeys }
}

function parseKeys(spec: string, source: string, parse: (spec: string) => SigningKey[] = parseKeyRing): SigningKey[] {
  try {
    return parse(spec)
  } catch (error) {
    throw new ConfigError(`${source}: ${(error as Error).message}`)
  }
}

function readOrCreateDevSecrets(dataDir: string): DevSecretsFile {
  const file = path.join(dataDir, DEV_SECRETS_FILE)
  if (existsSync(file)) {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'))
    if (isDevSecretsFile(parsed)) return parsed
    throw new ConfigError(`${file} is not a valid secrets file; delete it to generate a new one`)
  }
  // Password hashes and keys live here: only the server's own user may look in.
  mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  const created: DevSecretsFile = {
    tokenKeys: formatKeyRing([generateSigningKey()]),
    sessionSecret: randomBytes(32).toString('base64url'),
    dataKeys: formatDataKeys([generateDataKey()]),
  }
  writeFileSync(file, JSON.stringify(created, null, 2) + '\n', { mode: 0o600, flag: 'wx' })
  chmodSync(file, 0o600)
  return created
}

/**
 * The development data keys; a secrets file from before they existed gets one added
 * (rewritten in place, still 0600), keeping its token keys and session secret.
 */
function devDataKeys(dataDir: string, file: DevSecretsFile): string {
  if (file.dataKeys !== undefined) return file.dataKeys
  const dataKeys = formatDataKeys([generateDataKey()])
  file.dataKeys = dataKeys
  const target = path.join(dataDir, DEV_SECRETS_FILE)
  writeFileSync(target, JSON.stringify(file, null, 2) + '\n', { mode: 0o600 })
  chmodSync(target, 0o600)
  return dataKeys
}

function isDevSecretsFile(value: unknown): value is DevSecretsFile {
  if (typeof value !== 'object' || value === null) return false
  const record = value as Record<string, unknown>
  return (
    typeof record.tokenKeys === 'string' &&
    typeof record.sessionSecret === 'string' &&
    (record.dataKeys === undefined || typeof record.dataKeys === 'string')
  )
}
