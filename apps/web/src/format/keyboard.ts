/**
 * "Ctrl+Enter" (or "⌘+Enter" on Apple devices) for a shortcut the page handles, or null
 * where the main pointer is a finger: a touch keyboard has neither key, so the hint would
 * only mislead.
 */
export function keyboardShortcut(key: string): string | null {
  if (typeof window.matchMedia !== 'function' || !window.matchMedia('(any-pointer: fine)').matches) return null
  const apple = /Mac|iPhone|iPad/.test(navigator.platform)
  return `${apple ? '⌘' : 'Ctrl'}+${key}`
}
