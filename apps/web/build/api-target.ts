import { existsSync, readFileSync } from 'node:fs'
import { parseEnv } from 'node:util'

/**
 * Where the Vite dev server proxies `/api`: the API that `pnpm dev` starts beside it. That
 * API reads PORT and HOST from the environment, else from the repository's `.env`, else its
 * defaults (3000 on 127.0.0.1); the proxy reads them the same way, so `PORT=4000 pnpm dev`
 * or a `.env` with another port keeps the two apps talking.
 */
export function apiTarget(env: NodeJS.ProcessEnv, envFile: string): string {
  const fromFile = existsSync(envFile) ? parseEnv(readFileSync(envFile, 'utf8')) : {}
  // Set in the environment, even empty, beats the file (process.loadEnvFile's rule); empty is the default.
  const pick = (name: string): string | undefined => (name in env ? env[name] : fromFile[name])?.trim() || undefined
  const port = pick('PORT') ?? '3000'
  const host = pick('HOST')
  // A wildcard listen address is reached on loopback; an IPv6 literal needs brackets.
  const reach = !host || host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host
  return `http://${reach}:${port}`
}
