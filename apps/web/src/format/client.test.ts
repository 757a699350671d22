import { afterEach, describe, expect, it } from 'vitest'
import { setLocale } from '../i18n'
import { clientLabel, clientWords } from './client'

const chrome = { device: 'desktop', browser: 'Chrome', browserVersion: '156', os: 'Linux' } as const

describe('a client in words', () => {
  afterEach(() => setLocale('en'))

  it('in English', () => {
    setLocale('en')
    expect(clientWords(chrome)).toEqual({ browser: 'Chrome 156 on Linux', device: 'Desktop' })
    expect(clientLabel({ ...chrome, device: 'mobile', os: null })).toBe('Chrome 156 (Mobile)')
  })

  it('in Chinese, names kept as they are', () => {
    setLocale('zh-CN')
    expect(clientWords(chrome)).toEqual({ browser: 'Linux 上的 Chrome 156', device: '电脑' })
    expect(clientLabel({ device: 'unknown', browser: null, browserVersion: null, os: null })).toBe('未知浏览器（未知设备）')
  })
})
