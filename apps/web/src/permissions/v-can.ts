import { shallowRef, watchEffect, type Directive, type ShallowRef, type WatchStopHandle } from 'vue'
import type { Permission } from '@tokenauth/shared'
import { appPermissions } from './permissions'

interface Followed {
  readonly wanted: ShallowRef<{ permission: Permission; disable: boolean }>
  readonly stop: WatchStopHandle
}

const followed = new WeakMap<HTMLElement, Followed>()

const wantedOf = (binding: { value: Permission; modifiers: Partial<Record<string, boolean>> }) => ({ permission: binding.value, disable: binding.modifiers.disable === true })

/**
 * `v-can="'users.write'"` hides a control the server would refuse the person;
 * `v-can.disable="…"` keeps it in place, disabled (for a control with no `:disabled` of
 * its own). It follows the permissions as they come and change (`permissions.ts`).
 */
export const vCan: Directive<HTMLElement, Permission> = {
  mounted(el, binding) {
    const wanted = shallowRef(wantedOf(binding))
    const stop = watchEffect(() => {
      const { permission, disable } = wanted.value
      const allowed = appPermissions.can(permission)
      if (disable && el instanceof HTMLButtonElement) el.disabled = !allowed
      else el.hidden = !allowed
    })
    followed.set(el, { wanted, stop })
  },
  updated(el, binding) {
    const entry = followed.get(el)
    if (entry && (entry.wanted.value.permission !== binding.value || entry.wanted.value.disable !== (binding.modifiers.disable === true))) entry.wanted.value = wantedOf(binding)
  },
  unmounted(el) {
    followed.get(el)?.stop()
    followed.delete(el)
  },
}
