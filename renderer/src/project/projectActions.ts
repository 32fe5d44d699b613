/**
 * Project operations, each a call to the workbench followed by a store update.
 * They take the client as an argument so components and the command runner
 * share them and tests can hand in a fake.
 */
import type { WorkbenchClient } from '../../../common/client'
import type { ProjectInfo } from '../../../common/schemas/project'
import { errorMessage } from '../api/errors'
import { reportError } from '../ui/useNotices'
import { useProjectStore } from './useProjectStore'

/** Fetches app info, the open project and the recent list (first load and after a reconnect). */
export async function loadProjectState(client: WorkbenchClient): Promise<void> {
  try {
    const [appInfo, current, recent] = await Promise.all([
      client.call('app.info', {}),
      client.call('project.current', {}),
      client.call('project.recent', {}),
    ])
    useProjectStore.setState({
      status: 'ready',
      loadError: null,
      appInfo,
      project: current.project,
      recent: recent.projects,
    })
  } catch (error) {
    // Keep what we had: after a reconnect a failure must not blank a working screen.
    if (useProjectStore.getState().status === 'loading') {
      useProjectStore.setState({ status: 'failed', loadError: errorMessage(error) })
    } else {
      reportError(errorMessage(error))
    }
  }
}

/** Re-reads the recent projects list. */
export async function refreshRecent(client: WorkbenchClient): Promise<void> {
  try {
    const { projects } = await client.call('project.recent', {})
    useProjectStore.setState({ recent: projects })
  } catch (error) {
    reportError(errorMessage(error))
  }
}

/** Applies a project pushed by the workbench (project.changed). */
export function applyProjectChanged(client: WorkbenchClient, project: ProjectInfo | null): void {
  useProjectStore.setState({ project, status: 'ready', loadError: null })
  void refreshRecent(client)
}

async function runProjectOperation(client: WorkbenchClient, operation: () => Promise<{ project: ProjectInfo }>): Promise<boolean> {
  useProjectStore.setState({ busy: true })
  try {
    const { project } = await operation()
    useProjectStore.setState({ project, status: 'ready', loadError: null })
    await refreshRecent(client)
    return true
  } catch (error) {
    reportError(errorMessage(error))
    return false
  } finally {
    useProjectStore.setState({ busy: false })
  }
}

/** Opens a folder; one that is not a Weft project yet comes back as `needs-init`. */
export function openProjectDir(client: WorkbenchClient, dir: string): Promise<boolean> {
  return runProjectOperation(client, () => client.call('project.open', { dir }))
}

/** Makes a folder a Weft project and opens it. */
export function initProjectDir(client: WorkbenchClient, dir: string, name?: string): Promise<boolean> {
  return runProjectOperation(client, () => client.call('project.init', name ? { dir, name } : { dir }))
}

/** Opens the bundled sample project. */
export function openSampleProject(client: WorkbenchClient): Promise<boolean> {
  return runProjectOperation(client, () => client.call('project.openSample', {}))
}

/** Removes a folder from the recent list (the folder itself is untouched). */
export async function forgetRecentProject(client: WorkbenchClient, dir: string): Promise<void> {
  try {
    const { projects } = await client.call('project.forget', { dir })
    useProjectStore.setState({ recent: projects })
  } catch (error) {
    reportError(errorMessage(error))
  }
}

/**
 * "Open folder…": the native picker when the host has one, otherwise the
 * caller shows the typed-path dialog (web mode cannot browse the server's disk).
 */
export async function pickAndOpenFolder(client: WorkbenchClient): Promise<'handled' | 'needs-dialog'> {
  if (!useProjectStore.getState().appInfo?.capabilities.pickDirectory) return 'needs-dialog'
  try {
    const { dir } = await client.call('app.pickDirectory', { title: 'Open a project folder' })
    if (dir) await openProjectDir(client, dir)
  } catch (error) {
    reportError(errorMessage(error))
  }
  return 'handled'
}
