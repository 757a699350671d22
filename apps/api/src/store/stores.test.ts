import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateSigningKey } from '@tokenauth/signer'
import { ENGINES, openTestEngine } from '../test-support/test-engine.js'
import type { Engine } from './engine.js'
import { UsernameTakenError, UserStore } from './user-store.js'
import { asOperator } from '../test-support/as-operator.js'
import type { WriteTransaction } from './write-transaction.js'
import { SessionStore, type NewSession } from './session-store.js'
import { NoteStore } from './note-store.js'
import { AuditStore } from './audit-store.js'
import { hashCookieId } from './cookie-id-hash.js'
import { SetupTokens } from '../auth/setup-tokens.js'

const NOW = Date.UTC(2026, 0, 1, 9)

describe.each(ENGINES)('the stores on %s', (kind) => {
  let engine: Engine
  let dispose: () => Promise<void>
  let users: UserStore
  let sessions: SessionStore
  let notes: NoteStore
  let counter = 0
  const unique = (prefix: string) => `${prefix}${++counter}`
  /** One write for no session, as the CLI makes it. */
  const write = <T>(work: (tx: WriteTransaction) => Promise<T>): Promise<T> => asOperator(engine, work)
  const newUser = (roles: string[] = [], username = unique('user')) =>
    write((tx) => users.create({ username, passwordHash: 'hash', roles, createdAt: NOW }, tx))
  const newSession = async (userId: number, overrides: Partial<NewSession> = {}) => {
    const session = {
      cookieId: unique('cookie-'),
      handle: unique('handle-'),
      userId,
      createdAt: NOW,
      lastSeenAt: NOW,
      absoluteExpiresAt: NOW + 3_600_000,
      cookie: '{"path":"/"}',
      userAgent: 'test',
      ip: '127.0.0.1',
      ...overrides,
    }
    await sessions.create(session)
    return session
  }

  beforeAll(async () => {
    ;({ engine, dispose } = await openTestEngine(kind))
    users = new UserStore(engine)
    sessions = new SessionStore(engine)
    notes = new NoteStore(engine)
  })
  afterAll(async () => {
    await dispose()
  })

  describe('users', () => {
    it('finds a user by name without regard to case, and refuses a second name differing only in case', async () => {
      const created = await write((tx) => users.create({ username: 'Mixed.Case', passwordHash: 'h1', roles: ['editor'], createdAt: NOW }, tx))
      expect(created).toMatchObject({ username: 'Mixed.Case', roles: ['editor'], passwordHash: 'h1', disabled: false, createdAt: NOW })
      expect((await users.findByUsername('mixed.case'))?.id).toBe(created.id)
      expect((await users.findById(created.id))?.username).toBe('Mixed.Case')
      await expect(write((tx) => users.create({ username: 'MIXED.case', passwordHash: 'h', roles: [], createdAt: NOW }, tx))).rejects.toBeInstanceOf(UsernameTakenError)
    })

    it('never reuses an id, and removing a user removes their sessions and notes', async () => {
      const a = await newUser()
      await newSession(a.id)
      await write((tx) => notes.create(a.id, 'note of a', NOW, tx))
      expect(await write((tx) => users.removeById(a.id, tx))).toBe(true)
      expect(await write((tx) => users.removeById(a.id, tx))).toBe(false)
      expect(await sessions.listByUser(a.id)).toEqual([])
      expect((await notes.list()).some((note) => note.ownerId === a.id)).toBe(false)
      const b = await newUser()
      expect(b.id).toBeGreaterThan(a.id)
    })

    it('changes roles, password and the disabled flag, and counts', async () => {
      const before = await users.count()
      const u = await newUser()
      expect(await users.count()).toBe(before + 1)
      expect(await write((tx) => users.setRoles(u.id, ['admin', 'editor'], tx))).toBe(true)
      expect(await write((tx) => users.setPasswordHash(u.id, 'new-hash', tx))).toBe(true)
      expect(await write((tx) => users.setDisabled(u.id, true, tx))).toBe(true)
      expect(await users.findById(u.id)).toMatchObject({ roles: ['admin', 'editor'], passwordHash: 'new-hash', disabled: true })
      expect(await write((tx) => users.setDisabled(999_999, true, tx))).toBe(false)
      expect((await users.list()).map((user) => user.id)).toContain(u.id)
    })

    it('lists only enabled admins, and refuses to take away the last one', async () => {
      const fresh = await openTestEngine(kind)
      try {
        const store = new UserStore(fresh.engine)
        const inFresh = <T>(work: (tx: WriteTransaction) => Promise<T>) => asOperator(fresh.engine, work)
        const add = (username: string, roles: string[]) => inFresh((tx) => store.create({ username, passwordHash: 'h', roles, createdAt: NOW }, tx))
        const root = await add('root', ['admin'])
        const other = await add('other', ['admin'])
        await add('plain', ['administrator'])
        expect(await store.enabledAdminIds()).toEqual([root.id, other.id])
        expect(await inFresh((tx) => store.isLastAdmin(other.id, tx))).toBe(false)
        await inFresh((tx) => store.setDisabled(other.id, true, tx))
        expect(await store.enabledAdminIds()).toEqual([root.id])
        expect(await inFresh((tx) => store.isLastAdmin(root.id, tx))).toBe(true)
      } finally {
        await fresh.dispose()
      }
    })
  })

  describe('sessions', () => {
    it('keeps only a hash of the cookie id, and finds the session and its user by handle', async () => {
      const u = await newUser(['editor'])
      const s = await newSession(u.id)
      const found = await sessions.findByCookieId(s.cookieId)
      expect(found).toMatchObject({ cookieIdHash: hashCookieId(s.cookieId), handle: s.handle, userId: u.id, cookie: s.cookie, items: {} })
      expect(await sessions.findByHandle(s.handle)).toEqual(found)
      expect(await sessions.findLiveView(s.handle)).toEqual({
        handle: s.handle,
        userId: u.id,
        username: u.username,
        roles: ['editor'],
        disabled: false,
        mustChangePassword: false,
        hasSecondFactor: false,
        lastSeenAt: NOW,
        absoluteExpiresAt: NOW + 3_600_000,
      })
      expect(await sessions.findLiveView('no-such-handle')).toBeUndefined()
    })

    it('the live view says whether the password must change and whether the account has a second factor', async () => {
      const u = await newUser()
      const s = await newSession(u.id)
      await write((tx) => users.setMustChangePassword(u.id, true, tx))
      expect(await sessions.findLiveView(s.handle)).toMatchObject({ mustChangePassword: true, hasSecondFactor: false })
      expect(await users.restrictionState(u.id)).toEqual({ roles: [], mustChangePassword: true, hasSecondFactor: false })
      // An authenticator app counts once it is turned on, not while it is being set up.
      await write((tx) => tx.insertInto('totp_factors').values({ user_id: u.id, secret: 'sealed', created_at: NOW }).execute())
      expect((await sessions.findLiveView(s.handle))?.hasSecondFactor).toBe(false)
      await write((tx) => tx.updateTable('totp_factors').set({ enabled_at: NOW }).where('user_id', '=', u.id).execute())
      expect(await sessions.findLiveView(s.handle)).toMatchObject({ mustChangePassword: true, hasSecondFactor: true })
      await write((tx) => tx.deleteFrom('totp_factors').where('user_id', '=', u.id).execute())
      await write((tx) =>
        tx
          .insertInto('passkeys')
          .values({ user_id: u.id, credential_id: `cred-${u.id}`, public_key: 'pk', counter: 0, transports: '[]', device_type: 'singleDevice', backed_up: 0, name: 'Laptop', created_at: NOW, last_used_at: null })
          .execute(),
      )
      await write((tx) => users.setMustChangePassword(u.id, false, tx))
      expect(await sessions.findLiveView(s.handle)).toMatchObject({ mustChangePassword: false, hasSecondFactor: true })
      expect((await users.restrictionState(u.id))?.hasSecondFactor).toBe(true)
    })

    it('rotates a cookie id once: the old id is retired and unseals the new one', async () => {
      const u = await newUser()
      const s = await newSession(u.id)
      expect(await sessions.rotateCookieId(s.cookieId, 'next-id', s.handle, NOW + 5)).toBe(true)
      expect(await sessions.rotateCookieId(s.cookieId, 'other-id', s.handle, NOW + 6)).toBe(false)
      expect(await sessions.findByCookieId(s.cookieId)).toBeUndefined()
      expect((await sessions.findByCookieId('next-id'))?.handle).toBe(s.handle)
      expect(await sessions.findRetiredCookieId(s.cookieId)).toEqual({ handle: s.handle, retiredAt: NOW + 5, successor: 'next-id' })
      // Deleting the session takes its retired ids with it.
      expect(await write((tx) => sessions.deleteByHandle(s.handle, tx))).toBe(true)
      expect(await sessions.findRetiredCookieId(s.cookieId)).toBeUndefined()
    })

    it('updates cookie, items and last use; ends a user’s other sessions; prunes expired ones', async () => {
      const u = await newUser()
      const keep = await newSession(u.id)
      await newSession(u.id)
      await newSession(u.id, { absoluteExpiresAt: NOW + 10 })
      await sessions.updateCookie(keep.cookieId, '{"x":1}')
      expect(await write((tx) => sessions.setItems(keep.handle, { a: '1' }, tx))).toBe(true)
      expect(await write((tx) => sessions.setItems('gone', { a: '1' }, tx))).toBe(false)
      await sessions.touch(keep.handle, NOW + 100)
      await sessions.touch(keep.handle, NOW + 50) // never moves back
      expect(await sessions.findByHandle(keep.handle)).toMatchObject({ cookie: '{"x":1}', items: { a: '1' }, lastSeenAt: NOW + 100 })
      expect((await sessions.liveCountsByUser(NOW + 20, 60_000)).get(u.id)).toBe(2)
      expect(await sessions.deleteExpired(NOW + 20, 60_000)).toBeGreaterThanOrEqual(1)
      expect(await write((tx) => sessions.deleteByUser(u.id, keep.handle, tx))).toBe(1)
      expect((await sessions.listByUser(u.id)).map((s) => s.handle)).toEqual([keep.handle])
      expect(await sessions.deleteByCookieId(keep.cookieId)).toBe(keep.handle)
      expect(await sessions.deleteByCookieId(keep.cookieId)).toBeUndefined()
    })

    it('sees a session deleted through another connection at the very next lookup', async () => {
      const u = await newUser()
      const other = new SessionStore(engine)
      for (let i = 0; i < 50; i++) {
        const s = await newSession(u.id)
        expect((await sessions.findLiveView(s.handle))?.userId).toBe(u.id)
        await other.end(s.handle)
        expect(await sessions.findLiveView(s.handle)).toBeUndefined()
      }
    })
  })

  describe('notes', () => {
    it('creates, lists newest first with the owner’s name, and deletes', async () => {
      const u = await newUser()
      const first = await write((tx) => notes.create(u.id, 'first', NOW, tx))
      const second = await write((tx) => notes.create(u.id, 'second ✓ 🎉', NOW + 1, tx))
      expect(second).toMatchObject({ ownerId: u.id, ownerUsername: u.username, text: 'second ✓ 🎉', createdAt: NOW + 1 })
      const listed = await notes.list()
      expect(listed.findIndex((n) => n.id === second.id)).toBeLessThan(listed.findIndex((n) => n.id === first.id))
      expect(await notes.list(1)).toHaveLength(1)
      expect(await write((tx) => notes.delete(first.id, tx))).toBe(true)
      expect(await notes.findById(first.id)).toBeUndefined()
    })
  })

  it('a NUL in text: kept on SQLite; on PostgreSQL, whose text cannot hold one, a 400 bad_request (never a 500)', async () => {
    const u = await newUser()
    if (kind === 'sqlite') {
      expect((await write((tx) => notes.create(u.id, 'a\u0000b', NOW, tx))).text).toBe('a\u0000b')
    } else {
      await expect(write((tx) => notes.create(u.id, 'a\u0000b', NOW, tx))).rejects.toMatchObject({ statusCode: 400, code: 'bad_request' })
    }
    expect(await users.findByUsername('x\u0000')).toBeUndefined()
  })

  describe('audit events', () => {
    it('pages newest first with a cursor, filters, keeps one renewal per session, prunes', async () => {
      const fresh = await openTestEngine(kind)
      try {
        const log = new AuditStore(fresh.engine)
        for (let i = 0; i < 5; i++) await log.record({ at: NOW + i, kind: 'login_failed', username: `u${i}`, userId: i % 2 })
        await log.recordRenewal({ at: NOW + 10, kind: 'token_renewed', ref: 'r1' })
        await log.recordRenewal({ at: NOW + 11, kind: 'token_renewed', ref: 'r1' })
        const first = await log.page({ limit: 2 })
        expect(first.events.map((e) => e.kind)).toEqual(['token_renewed', 'login_failed'])
        expect(first.events[0]).toMatchObject({ at: NOW + 11, ref: 'r1', userId: null })
        const second = await log.page({ limit: 10, before: first.nextBefore ?? 0 })
        expect(second.events.map((e) => e.username)).toEqual(['u3', 'u2', 'u1', 'u0'])
        expect(second.nextBefore).toBeNull()
        expect((await log.page({ limit: 10, userId: 1 })).events).toHaveLength(2)
        expect((await log.page({ limit: 10, kind: 'token_renewed' })).events).toHaveLength(1)
        expect(await log.prune(NOW + 3)).toBe(3)
      } finally {
        await fresh.dispose()
      }
    })
  })

  describe('setup links', () => {
    it('redeem once, and only while there is no user', async () => {
      const fresh = await openTestEngine(kind)
      try {
        const setup = new SetupTokens(fresh.engine, [generateSigningKey('k')], () => Date.now())
        const store = new UserStore(fresh.engine)
        const nonce = await setup.check(await setup.issue())
        const nonce2 = await setup.check(await setup.issue())
        expect(nonce).toBeDefined()
        const create = (name: string) => (q: Parameters<Parameters<typeof setup.redeem>[1]>[0]) =>
          store.create({ username: name, passwordHash: 'h', roles: ['admin'], createdAt: NOW }, q)
        const redeemed = await setup.redeem(nonce ?? '', create('first'))
        expect(redeemed.ok).toBe(true)
        expect(await setup.redeem(nonce ?? '', create('again'))).toEqual({ ok: false, reason: 'complete' })
        expect(await setup.redeem(nonce2 ?? '', create('second'))).toEqual({ ok: false, reason: 'complete' })
        expect((await store.list()).map((u) => u.username)).toEqual(['first'])
      } finally {
        await fresh.dispose()
      }
    })
  })
})
