/**
 * Tells the app-wide drafts banner how dataset drafts open, discard and end.
 * Loaded eagerly (from LazyDatasetsSection) but imports the dataset code only
 * when a draft is actually opened, so the first bundle stays small.
 */
import { useAppStore } from '../app/useAppStore'
import { registerDraftKind } from '../drafts/draftKinds'

registerDraftKind('dataset', {
  open: async (client, projectDir, name) => {
    useAppStore.getState().goTo('datasets')
    const { openDataset } = await import('./datasetActions')
    await openDataset(client, projectDir, name)
  },
  discarded: async (_projectDir, name) => {
    const { useDatasetStore } = await import('./useDatasetStore')
    const { closeDataset } = await import('./datasetActions')
    // The draft is gone from IndexedDB; an open grid showing it must not write it back.
    if (useDatasetStore.getState().name === name) closeDataset()
  },
  watch: (_projectDir, gone) => {
    let unsubscribe: (() => void) | null = null
    let stopped = false
    void import('./useDatasetStore').then(({ useDatasetStore, isDirty }) => {
      if (stopped) return
      unsubscribe = useDatasetStore.subscribe((now, before) => {
        if (now.name && now.name === before.name && isDirty(before) && !isDirty(now)) gone(now.name)
      })
    })
    return () => {
      stopped = true
      unsubscribe?.()
    }
  },
})
