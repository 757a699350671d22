import { flushPromises, mount } from '@vue/test-utils'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { Note } from '@tokenauth/shared'
import { createAppStore, storeKey } from '../../store'
import { authOf } from '../../session-lifecycle/auth-access'
import { alice, apiError, bob, fakeAuthApi, session } from '../../testing/fakes'
import * as notesApi from '../../api/notes'
import NotesView from './NotesView.vue'

vi.mock('../../api/notes', () => ({ listNotes: vi.fn(), createNote: vi.fn(), deleteNote: vi.fn() }))

const note = (id: number, owner: typeof alice, text: string): Note => ({
  id,
  ownerId: owner.id,
  ownerUsername: owner.username,
  text,
  createdAt: '2030-01-01T10:00:00.000Z',
})

async function mountAs(user: typeof alice) {
  const store = createAppStore(fakeAuthApi())
  authOf(store).setSession(session('t', user))
  const wrapper = mount(NotesView, { global: { plugins: [[store, storeKey]] }, attachTo: document.body })
  await flushPromises()
  return { wrapper, auth: authOf(store) }
}

/** Presses the confirm dialog's button named `label`. */
async function inDialog(wrapper: Awaited<ReturnType<typeof mountAs>>['wrapper'], label: string) {
  const button = wrapper.get('dialog').findAll('button').find((b) => b.text() === label)
  if (!button) throw new Error(`no "${label}" in the dialog`)
  await button.trigger('click')
  await flushPromises()
}

describe('NotesView', () => {
  beforeEach(() => {
    vi.mocked(notesApi.listNotes).mockResolvedValue([note(2, alice, 'by alice'), note(1, bob, 'by bob')])
  })

  it('offers Delete only where the user may delete', async () => {
    const { wrapper } = await mountAs(bob)
    const articles = wrapper.findAll('article')
    expect(articles).toHaveLength(2)
    expect(articles[0]?.find('button').exists()).toBe(false)
    expect(articles[1]?.find('button').text()).toBe('Delete')
  })

  it('a 403 on delete shows a clear message, keeps the note and the session', async () => {
    vi.mocked(notesApi.deleteNote).mockRejectedValueOnce(apiError(403, 'insufficient_role'))
    const { wrapper, auth } = await mountAs(alice)
    await wrapper.findAll('article')[1]?.get('button').trigger('click')
    await inDialog(wrapper, 'Delete')

    expect(wrapper.get('[data-testid="notes-message"]').text()).toBe(
      'You do not have permission to do this. Only its author or an admin can delete this note.',
    )
    expect(wrapper.findAll('article')).toHaveLength(2)
    expect(auth.token).toBe('t')
  })

  it('creates a note at the top and deletes one', async () => {
    vi.mocked(notesApi.createNote).mockResolvedValueOnce(note(3, bob, 'fresh'))
    vi.mocked(notesApi.deleteNote).mockResolvedValueOnce(undefined)
    const { wrapper } = await mountAs(bob)

    await wrapper.get('textarea').setValue('fresh')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(notesApi.createNote).toHaveBeenCalledWith({ text: 'fresh' })
    expect(wrapper.findAll('article')[0]?.text()).toContain('fresh')

    await wrapper.findAll('article')[0]?.get('button').trigger('click')
    await inDialog(wrapper, 'Delete')
    expect(notesApi.deleteNote).toHaveBeenCalledWith(3)
    expect(wrapper.text()).not.toContain('fresh')
    const status = wrapper.get('[data-testid="notes-message"]')
    expect(status.text()).toBe('Note deleted.')
    // The pressed button went with the note: focus goes to what happened, not to <body>.
    expect(document.activeElement).toBe(status.element)
    wrapper.unmount()
  })

  it('asks before deleting: Cancel keeps the note', async () => {
    const { wrapper } = await mountAs(bob)
    await wrapper.findAll('article')[1]?.get('button').trigger('click')
    expect(wrapper.get('dialog').text()).toContain('by bob')
    await inDialog(wrapper, 'Cancel')
    expect(notesApi.deleteNote).not.toHaveBeenCalled()
    expect(wrapper.findAll('article')).toHaveLength(2)
    expect(wrapper.find('dialog').exists()).toBe(false)
    wrapper.unmount()
  })
})
