/**
 * The realistic mix `pnpm bench` and `apps/api/bench/ab.ts` (AB_MIX=1) drive: many signed-in
 * users, mostly reads, some writes, and `last_seen_at` touches at the rate the server makes
 * them. Out of every 1,000 requests: 475 `GET /api/me` and 475 `GET /api/notes` (95 % reads,
 * each with one of the users' tokens, picked at random), 25 `POST /api/notes`, 24 `DELETE
 * /api/notes/:id` of a note the mix posted, by its author, and 1 sign-in (5 % writes). Notes
 * are deleted about as fast as they are posted, so the list (`GET /api/notes` answers up to
 * 500) stays near its seeded length and costs the same all run long. Sign-ins are 0.1 %:
 * each costs an argon2id hash, a few hundred times a read, so a larger share would measure
 * the hash and nothing else.
 */
import type autocannon from 'autocannon'
import { openEngine, type EngineOptions } from '../apps/api/src/store/engine.js'
import { TOUCH_INTERVAL_MS } from '../apps/api/src/auth/verify-access-token.js'

export const MIX_USERS = Number(process.env.BENCH_MIX_USERS ?? 1000)
/** The notes a list starts with (and keeps, about: see the deletes). */
const SEEDED_NOTES = 20
const SIGN_IN_CONCURRENCY = 4

export interface MixUsers {
  readonly usernames: readonly string[]
  readonly tokens: readonly string[]
}

/**
 * Adds `MIX_USERS` accounts sharing the password hash of `template` (one argon2 hash for
 * all, written straight to the database) and `SEEDED_NOTES` notes. Run before the server starts.
 */
export async function seedMix(options: EngineOptions, template: string): Promise<readonly string[]> {
  const engine = await openEngine(options)
  try {
    const owner = await engine.db.selectFrom('users').select(['id', 'password_hash']).where('username', '=', template).executeTakeFirstOrThrow()
    const now = Date.now()
    const usernames = Array.from({ length: MIX_USERS }, (_, i) => `mix-${i}`)
    await engine.db
      .insertInto('users')
      .values(usernames.map((username) => ({ username, password_hash: owner.password_hash, created_at: now })))
      .execute()
    await engine.db
      .insertInto('notes')
      .values(Array.from({ length: SEEDED_NOTES }, (_, i) => ({ owner_id: owner.id, text: `seeded note ${i}`, created_at: now })))
      .execute()
    return usernames
  } finally {
    await engine.close()
  }
}

async function signIn(base: string, username: string, password: string): Promise<string> {
  const response = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  })
  const body: unknown = await response.json()
  const token = typeof body === 'object' && body !== null && 'token' in body ? body.token : undefined
  if (typeof token !== 'string') throw new Error(`sign-in of ${username}: ${response.status}`)
  return token
}

/** Signs every seeded user in once, `SIGN_IN_CONCURRENCY` at a time (each is an argon2 verification). */
export async function signInAll(base: string, usernames: readonly string[], password: string): Promise<MixUsers> {
  const tokens: string[] = []
  let next = 0
  const signer = async () => {
    for (let i = next++; i < usernames.length; i = next++) tokens[i] = await signIn(base, usernames[i] ?? '', password)
  }
  await Promise.all(Array.from({ length: SIGN_IN_CONCURRENCY }, signer))
  return { usernames, tokens }
}

/**
 * Spreads the sessions' `last_seen_at` over the last `TOUCH_INTERVAL_MS`, as steady use
 * leaves them: during a run of D seconds about D/60 of them come due, and the server
 * touches each of those once, as it would (just-signed-in sessions would be touched never).
 */
export async function spreadLastSeen(options: EngineOptions, usernames: readonly string[]): Promise<void> {
  const engine = await openEngine(options)
  try {
    const now = Date.now()
    const ids = await engine.db.selectFrom('users').select('id').where('username', 'in', usernames).execute()
    await engine.db.transaction().execute(async (tx) => {
      for (const [i, { id }] of ids.entries()) {
        await tx.updateTable('sessions').set({ last_seen_at: now - Math.floor(((i + 0.5) / ids.length) * TOUCH_INTERVAL_MS) }).where('user_id', '=', id).execute()
      }
    })
  } finally {
    await engine.close()
  }
}

/** What request number `n` of the mix is, out of every 1,000. */
function kindOf(n: number): 'sign-in' | 'post-note' | 'delete-note' | 'me' | 'notes' {
  const slot = n % 1000
  if (slot === 0) return 'sign-in'
  if (slot % 40 === 10) return 'post-note'
  if (slot % 40 === 30) return 'delete-note'
  return slot % 2 === 0 ? 'me' : 'notes'
}

/** A note the mix posted, with its author's token (the one allowed to delete it). */
interface PostedNote {
  readonly id: number
  readonly token: string
}

function noteId(body: string): number | undefined {
  try {
    const note: unknown = JSON.parse(body)
    return typeof note === 'object' && note !== null && 'id' in note && typeof note.id === 'number' ? note.id : undefined
  } catch {
    return undefined
  }
}

/** autocannon options for the mix against `base`: every connection draws its next request from one sequence. */
export function mixOptions(base: string, users: MixUsers, password: string, duration: number, connections: number): autocannon.Options {
  let n = 0
  const posted: PostedNote[] = []
  /** The token of the note post a connection (its autocannon context) has in flight. */
  const posting = new WeakMap<object, string>()
  const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)] as T
  return {
    url: base,
    duration,
    connections,
    requests: [
      {
        setupRequest: (request, context) => {
          const kind = kindOf(n++)
          posting.delete(context)
          if (kind === 'sign-in') {
            return { ...request, method: 'POST', path: '/api/auth/login', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: pick(users.usernames), password }) }
          }
          const deleting = kind === 'delete-note' ? posted.shift() : undefined
          if (deleting) return { ...request, method: 'DELETE', path: `/api/notes/${deleting.id}`, headers: { token: deleting.token }, body: undefined }
          const headers = { token: pick(users.tokens) }
          if (kind === 'post-note') {
            posting.set(context, headers.token)
            return { ...request, method: 'POST', path: '/api/notes', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ text: `note ${n}` }) }
          }
          return { ...request, method: 'GET', path: kind === 'me' ? '/api/me' : '/api/notes', headers, body: undefined }
        },
        onResponse: (status, body, context) => {
          const token = posting.get(context)
          const id = status === 201 && token !== undefined ? noteId(body) : undefined
          if (id !== undefined && token !== undefined) posted.push({ id, token })
        },
      },
    ],
  }
}
