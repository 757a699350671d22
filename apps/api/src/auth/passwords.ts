import { randomBytes } from 'node:crypto'
import { hash, verify } from '@node-rs/argon2'

/**
 * argon2id with OWASP's minimum parameters (m = 19 MiB, t = 2, p = 1). @node-rs/argon2
 * runs each hash on libuv's thread pool, so logins never block the event loop.
 */
const ARGON2ID = {
  // Algorithm.Argon2id: a const enum, which verbatimModuleSyntax cannot import.
  algorithm: 2,
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
} as const

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2ID)
}

/** False for a wrong password and for a hash that cannot be read; never throws. */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password)
  } catch {
    return false
  }
}

/** Hashing and checking, as one object the app holds (and tests can observe). */
export interface PasswordHasher {
  hash(password: string): Promise<string>
  verify(passwordHash: string, password: string): Promise<boolean>
}

export function createPasswordHasher(): PasswordHasher {
  return { hash: hashPassword, verify: verifyPassword }
}

/**
 * A hash of a random password, made once. Logins for unknown usernames verify against
 * it, so they cost the same time as a wrong password for a real user.
 */
export function createDummyHash(): Promise<string> {
  return hashPassword(randomBytes(32).toString('base64url'))
}
