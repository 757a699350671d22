import { defineComponent, h, withDirectives } from 'vue'
import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { Permission } from '@tokenauth/shared'
import { appPermissions, createPermissions } from './permissions'
import { vCan } from './v-can'
import Can from './Can.vue'

vi.mock('../api/account', () => ({ listMyPermissions: vi.fn(async () => ['users.write', 'audit.read']) }))

const admin = { id: 1, roles: ['admin'] }

describe('permissions', () => {
  it('asks once per person and set of roles; nothing is granted until the answer', async () => {
    let answer: (granted: Permission[]) => void = () => {}
    const load = vi.fn(() => new Promise<Permission[]>((resolve) => (answer = resolve)))
    const permissions = createPermissions(load)
    const asked = permissions.follow(admin)
    void permissions.follow({ id: 1, roles: ['admin'] })
    expect(load).toHaveBeenCalledTimes(1)
    expect(permissions.can('users.write')).toBe(false)
    answer(['users.write'])
    await asked
    expect(permissions.can('users.write')).toBe(true)
    expect(permissions.can('audit.read')).toBe(false)
    // The roles changed (a renewal brought new ones): asked again.
    load.mockResolvedValueOnce([])
    await permissions.follow({ id: 1, roles: ['admin', 'auditor'] })
    expect(load).toHaveBeenCalledTimes(2)
    expect(permissions.can('users.write')).toBe(false)
  })

  it('signed out, or the server unreachable: nothing is granted', async () => {
    const permissions = createPermissions(() => Promise.reject(new Error('down')))
    await permissions.follow(admin)
    expect(permissions.can('users.read')).toBe(false)
    await permissions.follow(null)
    expect(permissions.can('users.read')).toBe(false)
  })
})

describe('v-can and <Can>', () => {
  afterEach(() => void appPermissions.follow(null))

  const Page = defineComponent({
    setup: () => () => [
      withDirectives(h('button', { id: 'hidden-one' }, 'Create'), [[vCan, 'users.write']]),
      withDirectives(h('button', { id: 'disabled-one' }, 'Delete'), [[vCan, 'users.write', '', { disable: true }]]),
      h(Can, { permission: 'audit.read' }, { default: () => h('a', { id: 'audit' }, 'Audit'), otherwise: () => h('span', { id: 'none' }, '—') }),
    ],
  })

  it('hide, disable or leave out what the person may not do, and follow the answer as it comes', async () => {
    const wrapper = mount(Page)
    expect(wrapper.get('#hidden-one').attributes('hidden')).toBeDefined()
    expect(wrapper.get('#disabled-one').attributes('disabled')).toBeDefined()
    expect(wrapper.find('#audit').exists()).toBe(false)
    expect(wrapper.find('#none').exists()).toBe(true)

    // The server's answer arrives: the same elements follow it.
    await appPermissions.follow(admin)
    await flushPromises()
    expect(wrapper.get('#hidden-one').attributes('hidden')).toBeUndefined()
    expect(wrapper.get('#disabled-one').attributes('disabled')).toBeUndefined()
    expect(wrapper.find('#audit').exists()).toBe(true)
    // Signed out: gone again.
    await appPermissions.follow(null)
    await flushPromises()
    expect(wrapper.get('#hidden-one').attributes('hidden')).toBeDefined()
    wrapper.unmount()
  })
})
