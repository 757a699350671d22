import { nextTick, type Ref } from 'vue'

/**
 * After a destructive action the control that was pressed is often gone (a deleted row,
 * a Disable button that became Enable). Focus then goes to an element that says what
 * happened — never left on `<body>`, where keyboard and screen-reader users lose their place.
 * The element needs `tabindex="-1"`.
 */
export async function focusAfterUpdate(target: Ref<HTMLElement | null | undefined>): Promise<void> {
  await nextTick()
  target.value?.focus({ preventScroll: false })
}
