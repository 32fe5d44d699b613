/**
 * Keeps the renderer in step with the workbench: first load, pushed events
 * (project and object changes, native-menu commands), reconnects, and the URL
 * hash. Mounted once, by App.
 */
import { useEffect } from 'react'
import { OBJECT_KINDS } from '../../../common/schemas/project'
import type { RendererClient } from '../api/client'
import { clearObjects, reloadChangedKinds } from '../objects/useObjectsStore'
import { applyProjectChanged, loadProjectState } from '../project/projectActions'
import { useProjectStore } from '../project/useProjectStore'
import { flushDraft, reloadOpenPrompt, resetPrompts } from '../prompts/usePromptsStore'
import { sectionFromHash } from './hashRoute'
import { runCommand } from './runCommand'
import { useAppStore } from './useAppStore'

/** Wires the client's events into the stores for the lifetime of the app. */
export function useWorkbenchSync(client: RendererClient): void {
  useEffect(() => {
    void loadProjectState(client)
    let wasConnected = client.connection() === 'connected'
    const reloadAfterReconnect = () => {
      reloadChangedKinds(client, OBJECT_KINDS)
      void reloadOpenPrompt(client)
    }
    const stops = [
      client.on('project.changed', ({ project }) => applyProjectChanged(client, project)),
      client.on('objects.changed', ({ kinds }) => {
        reloadChangedKinds(client, kinds)
        if (kinds.includes('prompt')) void reloadOpenPrompt(client)
      }),
      client.on('app.command', ({ command }) => {
        if (!runCommand(client, command)) console.warn(`weft: unknown app command ${command}`)
      }),
      // Events may have been missed while the socket was down: re-read what they would have told.
      client.onConnection((state) => {
        if (state === 'connected' && !wasConnected) void loadProjectState(client).then(reloadAfterReconnect)
        wasConnected = state === 'connected'
      }),
      // Another project (or none) opened: drop everything that belonged to the previous one.
      useProjectStore.subscribe((now, before) => {
        if (now.project?.dir !== before.project?.dir) {
          clearObjects()
          resetPrompts()
        }
      }),
    ]
    return () => stops.forEach((stop) => stop())
  }, [client])

  // Drafts are written a moment after typing stops; write them now if the window goes away.
  useEffect(() => {
    const flush = () => void flushDraft()
    const onVisibility = () => document.visibilityState === 'hidden' && flush()
    window.addEventListener('pagehide', flush)
    document.addEventListener('visibilitychange', onVisibility)
    return () => {
      window.removeEventListener('pagehide', flush)
      document.removeEventListener('visibilitychange', onVisibility)
    }
  }, [])

  // Back/forward and edited hashes move between sections.
  useEffect(() => {
    const onHashChange = () => {
      const section = sectionFromHash(window.location.hash)
      if (section && section !== useAppStore.getState().section) useAppStore.getState().goTo(section)
    }
    window.addEventListener('hashchange', onHashChange)
    return () => window.removeEventListener('hashchange', onHashChange)
  }, [])
}
