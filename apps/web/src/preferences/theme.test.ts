import { beforeEach, describe, expect, it } from 'vitest'
import { applyStoredTheme, setTheme, theme, THEME_STORAGE_KEY } from './theme'

describe('the theme switch', () => {
  beforeEach(() => {
    localStorage.clear()
    delete document.documentElement.dataset.theme
  })

  it('marks <html> for light and dark, and leaves it to the system otherwise', () => {
    setTheme('dark')
    expect(document.documentElement.dataset.theme).toBe('dark')
    setTheme('light')
    expect(document.documentElement.dataset.theme).toBe('light')
    setTheme('system')
    expect(document.documentElement.dataset.theme).toBeUndefined()
  })

  it('is remembered on the device and applied at the next start', () => {
    setTheme('dark')
    expect(localStorage.getItem(THEME_STORAGE_KEY)).toBe('dark')
    delete document.documentElement.dataset.theme
    theme.value = 'system'
    applyStoredTheme()
    expect(theme.value).toBe('dark')
    expect(document.documentElement.dataset.theme).toBe('dark')
  })

  it('ignores anything unknown in storage', () => {
    localStorage.setItem(THEME_STORAGE_KEY, 'purple')
    applyStoredTheme()
    expect(theme.value).toBe('system')
    expect(document.documentElement.dataset.theme).toBeUndefined()
  })
})
