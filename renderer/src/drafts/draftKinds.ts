/**
 * What the drafts banner can do with a draft of each object kind. The banner
 * itself is generic; a feature that keeps drafts (prompts today, datasets
 * later) registers how to open one and what to refresh when one is discarded.
 */
import type { WorkbenchClient } from '../../../common/client'
import type { SectionId } from '../../../common/commands'
import type { ObjectKind } from '../../../common/schemas/project'
import { useAppStore } from '../app/useAppStore'
import { discardPromptDraft, openPrompt, usePromptsStore } from '../prompts/usePromptsStore'

/** How the banner handles drafts of one kind. */
export interface DraftKindAdapter {
  /** Shows the draft in its editor (the draft stays a draft). */
  open?: (client: WorkbenchClient, projectDir: string, name: string) => Promise<void> | void
  /** Called after the stored draft was deleted, so an open editor drops it too. */
  discarded?: (projectDir: string, name: string) => Promise<void> | void
  /** Calls `gone(name)` when the feature itself saved or discarded a draft; returns the unsubscribe. */
  watch?: (projectDir: string, gone: (name: string) => void) => () => void
}

const SECTION_OF_KIND: Partial<Record<ObjectKind, SectionId>> = { prompt: 'prompts', dataset: 'datasets' }

const adapters: Partial<Record<ObjectKind, DraftKindAdapter>> = {
  prompt: {
    open: async (client, projectDir, name) => {
      useAppStore.getState().goTo('prompts')
      await openPrompt(client, projectDir, name)
    },
    discarded: async (projectDir, name) => {
      const open = usePromptsStore.getState()
      if (open.projectDir === projectDir && open.name === name) await discardPromptDraft()
    },
    // The editor's own Save or Discard ends the draft; the banner should not keep offering it.
    watch: (projectDir, gone) =>
      usePromptsStore.subscribe((now, before) => {
        if (now.projectDir !== projectDir || !now.name || now.status !== 'ready') return
        if (now.draftBase === null && (before.draftBase !== null || before.status !== 'ready')) gone(now.name)
      }),
  },
}

/** Lets a feature (e.g. datasets) say how its drafts open and discard. */
export function registerDraftKind(kind: ObjectKind, adapter: DraftKindAdapter): void {
  adapters[kind] = adapter
}

/** The adapter of a kind; kinds without one can still be kept, compared and discarded. */
export function draftKindAdapter(kind: ObjectKind): DraftKindAdapter {
  const adapter = adapters[kind]
  if (adapter) return adapter
  const section = SECTION_OF_KIND[kind]
  return section ? { open: () => useAppStore.getState().goTo(section) } : {}
}
