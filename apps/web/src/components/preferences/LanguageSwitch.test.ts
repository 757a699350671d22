import { flushPromises, mount } from '@vue/test-utils'
import { describe, expect, it, vi } from 'vitest'
import { appToasts } from '../../feedback/toasts'
import * as i18n from '../../i18n'
import LanguageSwitch from './LanguageSwitch.vue'

describe('LanguageSwitch', () => {
  it('switches the language', async () => {
    const wrapper = mount(LanguageSwitch)
    await wrapper.get('select').setValue('zh-CN')
    await flushPromises()
    expect(i18n.currentLocale()).toBe('zh-CN')
    expect(wrapper.get('label').text()).toBe('语言')
    wrapper.unmount()
  })

  it("says so and shows the language still in use when the chosen one's words cannot be fetched", async () => {
    vi.spyOn(i18n, 'setLocale').mockRejectedValueOnce(new Error('offline'))
    const wrapper = mount(LanguageSwitch)
    await wrapper.get('select').setValue('zh-CN')
    await flushPromises()
    expect(i18n.currentLocale()).toBe('en')
    expect(wrapper.get('select').element.value).toBe('en')
    expect(appToasts.toasts.map((toast) => toast.text)).toContain('That language could not be loaded. Check the connection and try again.')
    wrapper.unmount()
  })
})
