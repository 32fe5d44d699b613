/** Tells the drafts banner how model config drafts open and discard (imported once, for its effect). */
import { useAppStore } from '../app/useAppStore'
import { registerDraftKind } from '../drafts/draftKinds'
import { openModel, useModelStore } from './useModelStore'

registerDraftKind('model', {
  open: async (client, projectDir, name) => {
    useAppStore.getState().goTo('playground')
    await openModel(client, projectDir, name)
  },
  discarded: (projectDir, name) => {
    const open = useModelStore.getState()
    if (open.projectDir === projectDir && open.name === name) useModelStore.setState({ text: open.disk, saveError: null })
  },
  // Saving or reverting in the editor ends the draft; the banner should stop offering it.
  watch: (projectDir, gone) =>
    useModelStore.subscribe((now, before) => {
      if (now.projectDir !== projectDir || !now.name || now.status !== 'ready') return
      if (now.text === now.disk && before.name === now.name && before.text !== before.disk) gone(now.name)
    }),
})
