import { ref } from 'vue'

/** The theme switch's choices: follow the system, or always light or dark. */
export const THEMES = ['system', 'light', 'dark'] as const
export type Theme = (typeof THEMES)[number]

/** Where the choice is remembered on this device. */
export const THEME_STORAGE_KEY = 'tokenauth.theme'

export function isTheme(value: unknown): value is Theme {
  return typeof value === 'string' && (THEMES as readonly string[]).includes(value)
}

function stored(): Theme {
  try {
    const value = localStorage.getItem(THEME_STORAGE_KEY)
    return isTheme(value) ? value : 'system'
  } catch {
    return 'system'
  }
}

/** The theme in use; the switch binds to it. */
export const theme = ref<Theme>('system')

/**
 * `<html data-theme>` is `light` or `dark` for a choice, absent for "System" (the CSS then
 * follows `prefers-color-scheme`, so nothing needs to listen for the system changing).
 */
function apply(choice: Theme): void {
  if (choice === 'system') delete document.documentElement.dataset.theme
  else document.documentElement.dataset.theme = choice
}

/** Switches at once and remembers it on this device. */
export function setTheme(choice: Theme): void {
  theme.value = choice
  apply(choice)
  try {
    if (choice === 'system') localStorage.removeItem(THEME_STORAGE_KEY)
    else localStorage.setItem(THEME_STORAGE_KEY, choice)
  } catch {
    // Storage blocked: the switch works for this visit only.
  }
}

/** At start: the remembered choice. */
export function applyStoredTheme(): void {
  theme.value = stored()
  apply(theme.value)
}
