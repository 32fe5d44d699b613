/** Renders the whole app around a fake client, with fresh stores and an empty UI database. */
import { render } from '@testing-library/react'
import { App } from '../App'
import { ClientProvider } from '../api/ClientContext'
import { INITIAL_APP_STATE, useAppStore } from '../app/useAppStore'
import { clearObjects } from '../objects/useObjectsStore'
import { INITIAL_PROJECT_STATE, useProjectStore } from '../project/useProjectStore'
import { resetPrompts } from '../prompts/usePromptsStore'
import { db } from '../state/db'
import { useNotices } from '../ui/useNotices'
import type { FakeClient } from './fakeClient'

/** Puts every store and the UI database back to a first-launch state. */
export async function resetAppState(): Promise<void> {
  resetPrompts()
  clearObjects()
  useProjectStore.setState({ ...INITIAL_PROJECT_STATE })
  useAppStore.setState({ ...INITIAL_APP_STATE })
  useNotices.setState({ notices: [] })
  window.location.hash = ''
  delete document.body.dataset.ready
  await Promise.all(db.tables.map((t) => t.clear()))
}

/** Renders <App> with `client`; `isMac` picks the shortcut labels. */
export function renderApp(client: FakeClient, isMac = false) {
  return render(
    <ClientProvider value={{ client, isMac }}>
      <App />
    </ClientProvider>,
  )
}
