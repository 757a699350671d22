import { shallowRef } from 'vue'
import type { Permission } from '@tokenauth/shared'
import { listMyPermissions } from '../api/account'

/** Whose permissions are held, and which (null until the server answered). */
interface Held {
  readonly key: string
  readonly granted: ReadonlySet<Permission> | null
}

/**
 * What the signed-in person may do, as the server derives it from its route rules
 * (`GET /api/me/permissions`): asked once per person and set of roles, so a role change
 * (a renewal brings the new roles) asks again. Until the answer, nothing is granted: a
 * control appears when it would work, never disappears after a click.
 */
export function createPermissions(load: () => Promise<Permission[]> = listMyPermissions) {
  const held = shallowRef<Held>({ key: '', granted: null })
  let asking: Promise<void> | null = null

  /** Asks the server for `user`'s permissions unless they are already held (or on the way). */
  function follow(user: { id: number; roles: readonly string[] } | null): Promise<void> {
    const key = user ? `${user.id}:${[...user.roles].sort().join(',')}` : ''
    if (held.value.key === key && (held.value.granted !== null || asking)) return asking ?? Promise.resolve()
    held.value = { key, granted: user ? null : new Set() }
    if (!user) return Promise.resolve()
    const question = load()
      .then((granted) => {
        if (held.value.key === key) held.value = { key, granted: new Set(granted) }
      })
      // Not known: nothing is granted; the server still refuses what it refuses.
      .catch(() => undefined)
      .finally(() => {
        if (asking === question) asking = null
      })
    asking = question
    return question
  }

  /** Whether the person may (reactive: a template that asks re-renders when the answer comes). */
  function can(permission: Permission): boolean {
    return held.value.granted?.has(permission) ?? false
  }

  return { follow, can }
}

/** The app's one record of the signed-in person's permissions. */
export const appPermissions = createPermissions()
